// The notifications service draining a backlog: 20,000 reminder events queued
// at once in the appointments outbox (sealed contacts, as the booking core
// writes them), delivered to the local SMTP server (deploy/local/smtp_sink.py,
// every mail a file). Starts its own redis-server (AOF, appendfsync always, as
// shipped), the SMTP server and stadt-notifications; prints mails/s, the time
// to drain and the service's peak memory (VmHWM).
//
//   stadt-notifications-bench [--events N] [--batch N] [--appendfsync always|everysec|no]
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/store/booking_keys.h"
#include "services/common/crypto/crypto.h"
#include "services/common/redis/redis_client.h"
#include "tests/harness/process.h"
#include "tests/harness/redis_server.h"

namespace stadt::notifications {
namespace {

constexpr char kMasterKey[] = "c3RhZHRwb3J0YWwtYmVuY2gtbWFzdGVyLWtleS0zMmJ5dGVzIQ==";
// The appointments' first office bucket (the mailer reads every bucket).
const std::string kBucket = stadt::booking::BookingKeys::Spread("appt").Bucket(0);
const std::string kOutbox = kBucket + "outbox";

int64_t PeakMemoryKb(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "VmHWM:")) {
      int64_t kb = 0;
      std::string digits;
      for (char c : line) {
        if (c >= '0' && c <= '9') digits += c;
      }
      if (absl::SimpleAtoi(digits, &kb)) return kb;
    }
  }
  return -1;
}

size_t CountMails(const std::string& dir) {
  size_t count = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".eml") ++count;
  }
  return count;
}

int Run(int events, int batch, const std::string& appendfsync) {
  testing::RedisServer::Options redis_options;
  redis_options.appendfsync = appendfsync;
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> redis_server =
      testing::RedisServer::Start(redis_options);
  if (!redis_server.ok()) {
    std::cerr << redis_server.status() << "\n";
    return 1;
  }
  std::unique_ptr<redis::Client> redis = (*redis_server)->Connect();
  const std::string dir = (*redis_server)->dir();

  const int smtp_port = testing::PickFreePort();
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> smtp =
      testing::Subprocess::Start("/usr/bin/python3",
                                 {absl::StrCat(STADT_SOURCE_DIR, "/deploy/local/smtp_sink.py"),
                                  "--port", absl::StrCat(smtp_port), "--dir", dir + "/mail"},
                                 {}, dir + "/smtp.log");
  if (!smtp.ok() || !testing::WaitForTcpPort(smtp_port, absl::Seconds(20)).ok()) {
    std::cerr << "the SMTP server did not start (python3-aiosmtpd?)\n";
    return 1;
  }

  // The backlog, queued at once.
  std::string master;
  absl::Base64Unescape(kMasterKey, &master);
  absl::StatusOr<crypto::Aead> cipher =
      crypto::Aead::Create(booking::BookingSecrets::Derive(master).contact_key);
  // Appointments tomorrow: reminders of past ones are not mailed.
  const int64_t appointment = absl::ToUnixMillis(absl::Now() + absl::Hours(24));
  const std::string start_ms = absl::StrCat(appointment);
  const std::string end_ms = absl::StrCat(appointment + 20 * 60 * 1000);
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < events; ++i) {
    const std::string code = booking::NewBookingCode();
    commands.push_back(
        {"XADD",
         kOutbox,
         "*",
         "type",
         "booking.reminder",
         "code",
         code,
         "office",
         "mitte",
         "start_ms",
         start_ms,
         "end_ms",
         end_ms,
         "services",
         "id-card,passport",
         "contact",
         cipher->Seal(absl::StrCat(R"({"name":"Person )", i, R"(","email":"person)", i,
                                   R"(@example.org","lang":")", i % 3 == 0 ? "en" : "de", R"("})"),
                      code),
         "nonce",
         "bench",
         "seq",
         "0"});
    if (commands.size() == 1000 || i + 1 == events) {
      if (absl::StatusOr<std::vector<redis::Reply>> done = redis->Pipeline(commands); !done.ok()) {
        std::cerr << done.status() << "\n";
        return 1;
      }
      commands.clear();
    }
  }

  const int grpc_port = testing::PickFreePort();
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> service = testing::Subprocess::Start(
      STADT_NOTIFICATIONS_BIN, {},
      {{"NOTIFICATIONS_GRPC_ADDRESS", absl::StrCat("127.0.0.1:", grpc_port)},
       {"REDIS_ADDRESS", absl::StrCat("127.0.0.1:", (*redis_server)->port())},
       {"APPOINTMENTS_SECRET_KEY", kMasterKey},
       {"NOTIFICATIONS_TEMPLATES_DIR",
        absl::StrCat(STADT_SOURCE_DIR, "/services/notifications/templates")},
       {"NOTIFICATIONS_SMTP_PORT", absl::StrCat(smtp_port)},
       {"NOTIFICATIONS_SMTP_TLS", "none"},
       {"NOTIFICATIONS_BATCH_SIZE", absl::StrCat(batch)},
       {"NOTIFICATIONS_POLL_INTERVAL", "10ms"},
       {"LOG_LEVEL", "warn"}},
      dir + "/notifications.log");
  if (!service.ok()) {
    std::cerr << service.status() << "\n";
    return 1;
  }
  // Drained: every event acknowledged (trimmed away) and nothing waiting.
  const absl::Time deadline = start + absl::Minutes(10);
  while (absl::Now() < deadline) {
    absl::StatusOr<redis::Reply> length = redis->Command({"XLEN", kOutbox});
    absl::StatusOr<redis::Reply> retries = redis->Command({"ZCARD", kBucket + "notify:retry"});
    if (length.ok() && retries.ok() && length->integer == 0 && retries->integer == 0 &&
        CountMails(dir + "/mail") >= static_cast<size_t>(events)) {
      break;
    }
    if (!(*service)->Running()) {
      std::cerr << "stadt-notifications exited; see " << dir << "/notifications.log\n";
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  const absl::Duration drained = absl::Now() - start;
  const int64_t peak_kb = PeakMemoryKb((*service)->pid());
  const size_t mails = CountMails(dir + "/mail");
  const int64_t dead =
      redis->Command({"XLEN", kBucket + "notify:dead"}).value_or(redis::Reply{}).integer;
  (*service)->Signal(SIGTERM);
  (*service)->Wait();
  (*smtp)->Signal(SIGTERM);
  (*smtp)->Wait();

  std::cout << "events queued        " << events << "\n"
            << "mails kept by server " << mails << "\n"
            << "dead letters         " << dead << "\n"
            << "time to drain        " << absl::FormatDuration(drained) << "\n"
            << "mails/s              "
            << static_cast<int64_t>(static_cast<double>(mails) / absl::ToDoubleSeconds(drained))
            << "\n"
            << "peak memory (VmHWM)  " << peak_kb / 1024 << " MiB\n";
  return mails == static_cast<size_t>(events) && dead == 0 ? 0 : 1;
}

}  // namespace
}  // namespace stadt::notifications

int main(int argc, char** argv) {
  int events = 20'000;
  int batch = 100;
  std::string appendfsync = "always";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--appendfsync") {
      appendfsync = argv[i + 1];
      continue;
    }
    int value = 0;
    if (!absl::SimpleAtoi(argv[i + 1], &value) || value <= 0) {
      std::cerr << "usage: stadt-notifications-bench [--events N] [--batch N] "
                   "[--appendfsync always|everysec|no]\n";
      return 2;
    }
    if (flag == "--events") events = value;
    if (flag == "--batch") batch = value;
  }
  return stadt::notifications::Run(events, batch, appendfsync);
}
