#include "app/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace steady {
namespace {

std::string octal(unsigned mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
    return buf;
}

}  // namespace

void make_private_dirs(const std::string& dir) {
    if (dir.empty()) return;
    std::filesystem::path built;
    for (const auto& part : std::filesystem::path(dir)) {
        built /= part;
        if (built == built.root_path() || part.empty()) continue;
        if (::mkdir(built.c_str(), 0700) == 0) {
            ::chmod(built.c_str(), 0700);  // exactly, whatever the umask
        } else if (errno != EEXIST) {
            throw PrivateFileError(built.string() +
                                   ": cannot create the folder: " + std::strerror(errno));
        }
    }
}

int open_private(const std::string& path, bool replace) {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (replace ? O_TRUNC : O_EXCL);
    const int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) {
        const int err = errno;
        struct stat st {};
        if (err == EEXIST && ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
            throw PrivateFileError(path +
                                   ": is a symbolic link; Steady does not write through one");
        if (err == EEXIST) throw PrivateFileError(path + ": exists; --force replaces it");
        if (err == ELOOP)
            throw PrivateFileError(path +
                                   ": is a symbolic link; Steady does not write through one");
        throw PrivateFileError(path + ": cannot create the file: " + std::strerror(err));
    }
    ::fchmod(fd, 0600);
    return fd;
}

bool write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

namespace {

// Moves the finished temporary into place: link() refuses an existing target atomically;
// rename() replaces (a link itself, never its target).
void place(const std::string& tmp, const std::string& path, bool replace) {
    const bool placed =
        replace ? ::rename(tmp.c_str(), path.c_str()) == 0 : ::link(tmp.c_str(), path.c_str()) == 0;
    const int err = errno;
    ::unlink(tmp.c_str());
    if (!placed)
        throw PrivateFileError(path + (err == EEXIST ? ": exists; --force replaces it"
                                                     : ": cannot create the file: " +
                                                           std::string(std::strerror(err))));
}

// Opens the temporary beside `path`; a failure names `path`, the file the user asked for, not
// the temporary they never see.
int open_temporary(const std::string& tmp, const std::string& path) {
    try {
        return open_private(tmp, false);
    } catch (const PrivateFileError& e) {
        const std::string why = e.what();  // "TMP: reason"
        throw PrivateFileError(path +
                               (why.rfind(tmp, 0) == 0 ? why.substr(tmp.size()) : ": " + why));
    }
}

std::string fresh_temporary(const std::string& path, bool replace) {
    if (!replace) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0)
            throw PrivateFileError(path + ": exists; --force replaces it");
    }
    const std::string tmp = path + ".part";
    ::unlink(tmp.c_str());  // a leftover of an earlier failed write (never a followed link)
    return tmp;
}

}  // namespace

void write_private_file(const std::string& path, const std::string& data, bool replace) {
    const std::string tmp = fresh_temporary(path, replace);
    const int fd = open_temporary(tmp, path);
    const bool ok = write_all(fd, data) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        ::unlink(tmp.c_str());
        throw PrivateFileError(path + ": write failed (disk full?); nothing was written");
    }
    place(tmp, path, replace);
}

void write_private_file_by(const std::string& path, bool replace,
                           const std::function<void(const std::string& tmp)>& fill) {
    const std::string tmp = fresh_temporary(path, replace);
    ::close(open_temporary(tmp, path));  // made here, 0600: the library only truncates it
    try {
        fill(tmp);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
    place(tmp, path, replace);
}

void check_symlink(const std::string& path) {
    struct stat ls {};
    if (::lstat(path.c_str(), &ls) != 0 || !S_ISLNK(ls.st_mode)) return;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw PrivateFileError(path +
                               ": is a symbolic link to nothing; Steady does not create a "
                               "database through it (give the real path with --db)");
    if (st.st_uid != ::getuid())
        throw PrivateFileError(path + ": is a symbolic link to a file another user owns; refused");
}

std::vector<std::string> tighten(const std::string& dir, const std::vector<std::string>& files) {
    std::vector<std::string> notices;
    struct stat st {};
    if (!dir.empty() && ::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
        st.st_uid == ::getuid() && (st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) == 0)
        notices.push_back(dir + " was open to others (" + octal(st.st_mode) + "); now 0700");
    for (const std::string& f : files) {
        if (::lstat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::getuid() &&
            (st.st_mode & 077) != 0 && ::chmod(f.c_str(), 0600) == 0)
            notices.push_back(f + " was readable by others (" + octal(st.st_mode) + "); now 0600");
    }
    return notices;
}

}  // namespace steady
