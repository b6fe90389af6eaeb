// Files and folders with health data: every folder Steady creates is 0700 and every file 0600,
// whatever the umask; files are opened with O_NOFOLLOW | O_CLOEXEC, so a symlink planted where
// a file goes is never followed (a dangling one never creates its target).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace steady {

class PrivateFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Creates `dir` and every missing folder above it, each 0700. Throws PrivateFileError naming
// the folder that could not be made.
void make_private_dirs(const std::string& dir);

// Opens `path` for writing, 0600, never through a symlink. `replace`: an existing file is
// truncated (--force); otherwise it is refused ("exists; --force replaces it"). Returns the fd.
int open_private(const std::string& path, bool replace);

// Writes all of `data` to `fd`; false on a short write (disk full).
bool write_all(int fd, const std::string& data);

// Writes `data` to `path` through a private temporary beside it: a failed write never leaves
// half a file, and without `replace` an existing file is never overwritten (even one made
// meanwhile). Throws PrivateFileError saying why.
void write_private_file(const std::string& path, const std::string& data, bool replace);

// The same for a library that writes files by name itself (EDFlib, cairo): `fill` writes the
// temporary `tmp`, already made 0600 and empty. What `fill` throws is passed on, the temporary
// removed.
void write_private_file_by(const std::string& path, bool replace,
                           const std::function<void(const std::string& tmp)>& fill);

// The database's own path: a symlink is followed only to a file the user owns; a dangling one,
// or one to another user's file, is refused. Throws PrivateFileError.
void check_symlink(const std::string& path);

// Tightens what others may read: `dir` to 0700 and each existing file to 0600. Returns one notice
// per change ("PATH was readable by others (0644); now 0600").
std::vector<std::string> tighten(const std::string& dir, const std::vector<std::string>& files);

}  // namespace steady
