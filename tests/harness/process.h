#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (another process may still
// take it before the caller binds it); -1 if none could be had.
int PickFreePort();

// Polls connect() to 127.0.0.1:port every 20 ms until it succeeds;
// DEADLINE_EXCEEDED after `timeout`.
absl::Status WaitForTcpPort(int port, absl::Duration timeout);

// A child process, always reaped: by Wait(), Kill(), Running() once it has
// exited, or the destructor (SIGTERM, then SIGKILL after 5 s).
class Subprocess {
 public:
  // Runs `binary` (looked up on PATH if it has no slash) with `args`, the
  // parent's environment plus `extra_env`, stdin from /dev/null, and stdout
  // and stderr appended to `log_file`.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      const std::map<std::string, std::string>& extra_env, const std::string& log_file);
  ~Subprocess();

  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  // Does nothing once the child is reaped, so that a recycled pid is never hit.
  void Signal(int sig);
  // Exit status, 128 + signal number if a signal ended the child, or -1 if
  // the child could not be reaped.
  int Wait();
  void Kill();

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}

  const pid_t pid_;
  std::optional<int> exit_code_;  // set once reaped
};

}  // namespace stadt::testing
