// Hold + confirm throughput through the gateway: N citizens (threads), each
// holding a random slot and confirming it, for a fixed time. Prints bookings/s
// and latency percentiles of a whole booking (hold + confirm).
//
// Usage: stadt-booking-bench PORT TOKENS_FILE SECONDS [THREADS]
//   TOKENS_FILE has one bearer token per line, one per simulated citizen.
//   THREADS (default: one per token) lets fewer threads take turns with the
//   tokens: thread i books as citizens i, i+THREADS, ... in rotation, so that a
//   long run stays below the per-citizen booking limit.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "tests/harness/http_client.h"

namespace {

std::string RandomStart(std::mt19937& random) {
  // 10..59 days ahead, 07:00..18:40 local time (UTC+1 in winter), not Sunday.
  absl::Time day = absl::Now() + absl::Hours(24) * (10 + static_cast<int>(random() % 50));
  const absl::CivilDay civil = absl::ToCivilDay(day, absl::UTCTimeZone());
  absl::CivilDay open = absl::GetWeekday(civil) == absl::Weekday::sunday ? civil + 1 : civil;
  const int minutes = 6 * 60 + 10 * static_cast<int>(random() % 70);
  return absl::FormatCivilTime(absl::CivilSecond(open.year(), open.month(), open.day(),
                                                 minutes / 60, minutes % 60, 0)) +
         "Z";
}

std::string Field(const std::string& body, const std::string& name) {
  const std::string key = absl::StrCat("\"", name, "\":\"");
  const size_t start = body.find(key);
  if (start == std::string::npos) return "";
  const size_t end = body.find('"', start + key.size());
  return body.substr(start + key.size(), end - start - key.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: %s PORT TOKENS_FILE SECONDS [THREADS]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  std::vector<std::string> tokens;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) tokens.push_back(line);
  }
  const absl::Duration duration = absl::Seconds(std::atoi(argv[3]));
  const size_t threads =
      argc == 5 ? std::clamp<size_t>(std::atoi(argv[4]), 1, tokens.size()) : tokens.size();
  std::atomic<int> bookings{0};
  std::atomic<int> refused{0};
  std::mutex mutex;
  std::vector<double> latencies_ms;
  const absl::Time end = absl::Now() + duration;
  std::vector<std::thread> citizens;
  for (size_t i = 0; i < threads; ++i) {
    citizens.emplace_back([&, i] {
      std::mt19937 random(static_cast<unsigned>(i) + 1);
      std::vector<double> mine;
      for (size_t turn = i; absl::Now() < end;
           turn = turn + threads < tokens.size() ? turn + threads : i) {
        const std::map<std::string, std::string> auth = {
            {"Authorization", "Bearer " + tokens[turn]}};
        const absl::Time started = absl::Now();
        const std::string body =
            absl::StrFormat(R"({"officeId":"office-%d","serviceIds":["id-card"],"start":"%s"})",
                            1 + static_cast<int>(random() % 30), RandomStart(random));
        absl::StatusOr<stadt::testing::HttpResult> hold =
            stadt::testing::HttpFetch(port, "POST", "/v1/holds", body, auth);
        if (!hold.ok() || hold->status != 200) {
          ++refused;
          continue;
        }
        absl::StatusOr<stadt::testing::HttpResult> booked = stadt::testing::HttpFetch(
            port, "POST", absl::StrCat("/v1/holds/", Field(hold->body, "holdId"), "/confirm"),
            absl::StrFormat(R"({"contact":{"name":"Bench","email":"bench-%d-%d@example.org"}})", i,
                            bookings.load()),
            auth);
        if (!booked.ok() || booked->status != 200) {
          ++refused;
          continue;
        }
        ++bookings;
        mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - started));
      }
      std::lock_guard lock(mutex);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& citizen : citizens) citizen.join();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto percentile = [&](double p) {
    return latencies_ms.empty() ? 0.0
                                : latencies_ms[static_cast<size_t>(p * (latencies_ms.size() - 1))];
  };
  std::printf("bookings: %d in %.0f s = %.1f bookings/s (%d refused: slot taken or limits)\n",
              bookings.load(), absl::ToDoubleSeconds(duration),
              bookings.load() / absl::ToDoubleSeconds(duration), refused.load());
  std::printf("hold+confirm latency: p50 %.1f ms, p99 %.1f ms\n", percentile(0.5),
              percentile(0.99));
  return 0;
}
