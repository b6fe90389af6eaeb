// Running the real `steady` binary as a user would: its stdout, stderr and exit status.
#pragma once

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace steady::test {

struct Run {
    int status;
    std::string out;
    std::string err;
};

// A fresh private file path (mkstemps), removed by the caller.
inline std::string temp_path(const std::string& suffix) {
    std::string tmpl = "/tmp/steady-test-XXXXXX" + suffix;
    const int fd = mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
    REQUIRE(fd >= 0);
    close(fd);
    return tmpl;
}

// A fresh directory, removed with everything in it when the object goes.
struct TempDir {
    std::string path;
    TempDir() {
        std::string tmpl = "/tmp/steady-test-XXXXXX";
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

// `env` is prepended to the command line ("NAME=value ..."). The user's own settings file is
// never read: XDG_CONFIG_HOME points nowhere unless `env` sets it.
inline Run run(const std::string& args, const std::string& stdin_file = "",
               const std::string& env = "") {
    const std::string err_file = temp_path(".err");
    std::string cmd = "XDG_CONFIG_HOME=/nonexistent/steady-test " + env + " " +
                      std::string(STEADY_BIN) + " " + args + " 2>" + err_file;
    if (!stdin_file.empty()) cmd += " <" + stdin_file;
    Run r{};
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream e(err_file);
    std::stringstream ss;
    ss << e.rdbuf();
    r.err = ss.str();
    std::remove(err_file.c_str());
    return r;
}

}  // namespace steady::test
