// `steady report` as a clinician runs it: a protocol session's PDF holds the client, the step
// names and the per-step numbers `sessions show` prints; A4 or letter; fonts embedded; one to
// three pages; private; never over another file without --force; a trend report across a
// client's sessions; mistakes said with exit status 2.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/cli_run.h"

using namespace steady;

namespace {

std::string shell(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
}

}  // namespace

TEST_CASE("report: a protocol session's PDF holds the client, the steps and their numbers",
          "[export][report][cli]") {
    test::TempDir dir;
    const std::string db = dir / "s.db";
    REQUIRE(test::run("clients add \"Client A\" --db " + db).status == 0);
    REQUIRE(test::run("record --client \"Client A\" --sensor sim:trigger-recovery --protocol demo "
                      "--speed 500 --quiet --db " +
                      db)
                .status == 0);
    const std::string pdf = dir / "r.pdf";
    const test::Run r = test::run("report 1 --paper a4 -o " + pdf + " --db " + db);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.err, Catch::Contains(pdf) && Catch::Contains("a4"));
    struct stat st {};
    REQUIRE(::stat(pdf.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    const std::string info = shell("pdfinfo " + pdf);
    CHECK_THAT(info, Catch::Contains("595.28 x 841.89 pts (A4)"));
    const auto pages = std::stoi(info.substr(info.find("Pages:") + 6));
    CHECK(pages >= 1);
    CHECK(pages <= 3);
    // Every font embedded (the "emb" column says yes for each).
    const std::string fonts = shell("pdffonts " + pdf);
    CHECK(fonts.find(" no ") == std::string::npos);
    CHECK_THAT(fonts, Catch::Contains("DejaVuSans"));

    const std::string text = shell("pdftotext -layout " + pdf + " -");
    CHECK_THAT(text, Catch::Contains("Session report: Client A") &&
                         Catch::Contains("Protocol: demo") &&
                         Catch::Contains("sim:trigger-recovery") && Catch::Contains("Methods.") &&
                         Catch::Contains("Kubios"));
    // The step table of `sessions show`: each row's cells after its time range are the
    // numbers the PDF's row must show, in the same order.
    const std::string shown = test::run("sessions show 1 --db " + db).out;
    const nlohmann::json show =
        nlohmann::json::parse(test::run("sessions show 1 --format json --db " + db).out);
    REQUIRE(show["steps"].size() == 5);
    const auto table_at = text.find("Per-step statistics");
    REQUIRE(table_at != std::string::npos);
    for (const auto& step : show["steps"]) {
        const std::string name = step["name"];
        INFO(name);
        const auto row_at = shown.find(" " + name + " ");
        REQUIRE(row_at != std::string::npos);
        std::istringstream row(shown.substr(row_at, shown.find('\n', row_at) - row_at));
        std::vector<std::string> cells;
        std::string cell;
        bool after_time = false;
        while (row >> cell) {
            if (after_time) cells.push_back(cell);
            if (cell.find(':') != std::string::npos && cell.find('-') != std::string::npos)
                after_time = true;  // 6:00-11:00
        }
        REQUIRE(cells.size() == 10);     // HR SDNN RMSSD LF HF LF/HF coh high resp art%
        cells.erase(cells.begin() + 7);  // the report has no "high s" column
        const auto at = text.find(name + " ", table_at);
        REQUIRE(at != std::string::npos);
        const std::string line = text.substr(at, text.find('\n', at) - at);
        INFO(line);
        std::size_t pos = name.size();
        for (const std::string& c : cells) {
            const auto found = line.find(" " + c, pos);
            CHECK(found != std::string::npos);
            if (found != std::string::npos) pos = found + c.size();
        }
    }

    // Never over another file without --force; letter paper on request.
    const test::Run again = test::run("report 1 -o " + pdf + " --db " + db);
    CHECK(again.status == 1);
    CHECK_THAT(again.err, Catch::Contains("exists; --force replaces it"));
    REQUIRE(test::run("report 1 --paper letter --force -o " + pdf + " --db " + db).status == 0);
    CHECK_THAT(shell("pdfinfo " + pdf), Catch::Contains("612 x 792 pts (letter)"));
}

TEST_CASE("report: the default name, a client's trend report and mistakes",
          "[export][report][cli]") {
    test::TempDir dir;
    const std::string db = dir / "s.db";
    for (int i = 0; i < 3; ++i)
        REQUIRE(test::run("record --sensor sim:trigger-recovery --duration 600 --speed 500 "
                          "--quiet --db " +
                          db)
                    .status == 0);
    // The default file: steady-report-ID-DATE.pdf in the current folder.
    const std::string cmd = "cd " + dir.path + " && XDG_CONFIG_HOME=/nonexistent " +
                            std::string(STEADY_BIN) + " report 2 --db " + db + " 2>&1";
    const std::string said = shell(cmd);
    const auto name_at = said.find("steady-report-2-");
    REQUIRE(name_at != std::string::npos);
    const std::string name = said.substr(name_at, said.find(".pdf", name_at) + 4 - name_at);
    CHECK(std::filesystem::exists(dir / name));

    const std::string trend = dir / "trend.pdf";
    const test::Run t = test::run("report --client default -o " + trend + " --db " + db);
    INFO(t.err);
    REQUIRE(t.status == 0);
    const std::string text = shell("pdftotext -layout " + trend + " -");
    CHECK_THAT(text, Catch::Contains("Trend report: default") && Catch::Contains("3 sessions") &&
                         Catch::Contains("Mean heart rate per session") &&
                         Catch::Contains("Recovery after triggers"));
    const nlohmann::json list =
        nlohmann::json::parse(test::run("sessions --format json --db " + db).out);
    REQUIRE(list.size() == 3);

    CHECK(test::run("report --db " + db).status == 2);
    CHECK(test::run("report 1 --client default --db " + db).status == 2);
    const test::Run since = test::run("report --client default --since May --db " + db);
    CHECK(since.status == 2);
    CHECK_THAT(since.err, Catch::Contains("--since \"May\""));
    const test::Run missing = test::run("report 99 -o " + (dir / "x.pdf") + " --db " + db);
    CHECK(missing.status == 1);
    CHECK_THAT(missing.err, Catch::Contains("no session 99"));
    CHECK_FALSE(std::filesystem::exists(dir / "x.pdf"));
}
