#pragma once

#include <sys/types.h>

#include <functional>
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
  // and stderr appended to `log_file`; no other descriptor of the test process is inherited.
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

// How many times the log at `log_path` says its process listens (the
// "listening" event of the services and the gateway).
int CountListening(const std::string& log_path);

// A port accepting connections is not proof that our process listens on it: a
// parallel test's process may have taken the port between PickFreePort and
// our bind. So this waits (up to 20 s) until the process's own log says it
// listens: one more "listening" line than `before`. False if it exited first.
bool WaitUntilListening(Subprocess& process, const std::string& log_path, int before);

struct ListeningProcess {
  std::unique_ptr<Subprocess> process;
  int port = 0;
};

// Starts `binary` with the environment env_for(port) for a port picked as
// free, and waits until it listens; when a parallel test took the port first
// (the process exits), tries another, up to 5 ports. Logs go to `log_path`.
absl::StatusOr<ListeningProcess> StartOnFreePort(
    const std::string& binary,
    const std::function<std::map<std::string, std::string>(int port)>& env_for,
    const std::string& log_path);

}  // namespace stadt::testing
