#include "tests/harness/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace stadt::testing {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);
constexpr absl::Duration kTermGrace = absl::Seconds(5);

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool CanConnect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in address = Loopback(port);
  const bool connected =
      connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& extra_env) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    merged[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
  }
  for (const auto& [name, value] : extra_env) merged[name] = value;
  std::vector<std::string> result;
  for (const auto& [name, value] : merged) result.push_back(absl::StrCat(name, "=", value));
  return result;
}

// The NULL-terminated char* array that exec wants; points into `strings`.
std::vector<char*> CArray(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (std::string& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

int DecodeWaitStatus(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

// posix_spawn settings, destroyed on every return path: stdin from /dev/null,
// stdout and stderr appended to the log, no other inherited descriptor, and a pristine signal
// state, so that a signal the test process blocks or ignores (SIGPIPE, for the Redis client) does
// not change how the child reacts to it.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attributes_);
  }
  ~SpawnSetup() {
    posix_spawnattr_destroy(&attributes_);
    posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // 0 or an errno value.
  int Configure(const std::string& log_file) {
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    int rc = posix_spawnattr_setsigmask(&attributes_, &none);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attributes_, &all);
    if (rc == 0) {
      rc = posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    if (rc == 0) {
      rc = posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    }
    if (rc == 0) {
      rc = posix_spawn_file_actions_addopen(&actions_, STDOUT_FILENO, log_file.c_str(),
                                            O_WRONLY | O_CREAT | O_APPEND, 0644);
    }
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions_, STDOUT_FILENO, STDERR_FILENO);
    // Nothing else the test process holds reaches the child: a service left running by a test
    // that was killed must not keep, say, the build lock's descriptor open and stall every build.
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions_, STDERR_FILENO + 1);
    return rc;
  }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attributes() const { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
};

}  // namespace

int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  int port = -1;
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

absl::Status WaitForTcpPort(int port, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!CanConnect(port)) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("nothing accepts on 127.0.0.1:", port,
                                                      " after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(kPollInterval);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(
    const std::string& binary, const std::vector<std::string>& args,
    const std::map<std::string, std::string>& extra_env, const std::string& log_file) {
  SpawnSetup setup;
  if (const int rc = setup.Configure(log_file); rc != 0) {
    return absl::ErrnoToStatus(rc, "posix_spawn setup");
  }
  std::vector<std::string> argv_strings = {binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = MergedEnvironment(extra_env);
  std::vector<char*> argv = CArray(argv_strings);
  std::vector<char*> envp = CArray(env_strings);
  pid_t pid = 0;
  // posix_spawnp rather than fork: safe in a test process that runs threads.
  if (const int rc = posix_spawnp(&pid, binary.c_str(), setup.actions(), setup.attributes(),
                                  argv.data(), envp.data());
      rc != 0) {
    return absl::ErrnoToStatus(rc, absl::StrCat("cannot start ", binary));
  }
  return std::unique_ptr<Subprocess>(new Subprocess(pid));
}

Subprocess::~Subprocess() {
  if (exit_code_.has_value()) return;
  Signal(SIGTERM);
  const absl::Time deadline = absl::Now() + kTermGrace;
  while (Running() && absl::Now() < deadline) absl::SleepFor(kPollInterval);
  Kill();
}

bool Subprocess::Running() {
  if (exit_code_.has_value()) return false;
  int status = 0;
  const pid_t reaped = waitpid(pid_, &status, WNOHANG);
  if (reaped == 0) return true;
  exit_code_ = reaped == pid_ ? DecodeWaitStatus(status) : -1;
  return false;
}

void Subprocess::Signal(int sig) {
  if (!exit_code_.has_value()) kill(pid_, sig);
}

int Subprocess::Wait() {
  if (exit_code_.has_value()) return *exit_code_;
  int status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(pid_, &status, 0);
  } while (reaped < 0 && errno == EINTR);
  exit_code_ = reaped == pid_ ? DecodeWaitStatus(status) : -1;
  return *exit_code_;
}

void Subprocess::Kill() {
  Signal(SIGKILL);
  Wait();
}

namespace {
constexpr std::string_view kListeningEvent = R"("event":"listening")";
constexpr int kPortAttempts = 5;
}  // namespace

int CountListening(const std::string& log_path) {
  std::ifstream log(log_path);
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  int count = 0;
  for (size_t at = text.find(kListeningEvent); at != std::string::npos;
       at = text.find(kListeningEvent, at + 1)) {
    ++count;
  }
  return count;
}

bool WaitUntilListening(Subprocess& process, const std::string& log_path, int before) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    if (CountListening(log_path) > before) return true;
    if (!process.Running()) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

absl::StatusOr<ListeningProcess> StartOnFreePort(
    const std::string& binary,
    const std::function<std::map<std::string, std::string>(int port)>& env_for,
    const std::string& log_path) {
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    ListeningProcess started;
    started.port = PickFreePort();
    const int before = CountListening(log_path);
    absl::StatusOr<std::unique_ptr<Subprocess>> process =
        Subprocess::Start(binary, {}, env_for(started.port), log_path);
    if (!process.ok()) return process.status();
    started.process = *std::move(process);
    if (WaitUntilListening(*started.process, log_path, before)) return started;
    // It exited (the port was taken) or hangs: reaped here, another port next.
  }
  return absl::UnavailableError(absl::StrCat(binary, " did not start; see ", log_path));
}

}  // namespace stadt::testing
