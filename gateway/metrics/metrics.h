#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace stadt::gateway {

// Prometheus metrics of the HTTP traffic, per route template (never the
// concrete path: paths carry ids that may point at a person, and would make
// the number of series unbounded). The set of series is fixed at start, so
// recording is lock-free: a few relaxed atomic increments.
//
// Requests the admin listener answered (GATEWAY_ADMIN_LISTEN: Prometheus'
// scrapes) are counted in series of their own, labelled listener="admin", so
// that the public figures stay the citizens' traffic and operators still see
// the scrapes (and a scraper knocking on other paths: route="unmatched").
class HttpMetrics {
 public:
  // Which listener answered a request.
  enum class Listener { kPublic, kAdmin };
  // The routes of the admin listener (core/admin_endpoints.h), all GET.
  static constexpr std::array<std::string_view, 1> kAdminRoutes = {"/metrics"};

  // Upper bounds of the latency histogram, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   5};
  // Label of every request no route template matched.
  static constexpr std::string_view kUnmatched = "unmatched";

  // `routes` are (method, route template) pairs; an "unmatched" series per
  // common method and an "OTHER" method are added. `route_classes` name the
  // rate limit classes.
  HttpMetrics(const std::vector<std::pair<std::string, std::string>>& routes,
              const std::vector<std::string>& route_classes);

  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  // Unknown pairs count as (method or OTHER, "unmatched").
  void RequestFinished(std::string_view method, std::string_view route, int status,
                       absl::Duration latency);
  // A request the admin listener answered; `route` one of kAdminRoutes, else
  // it counts as "unmatched". Not in the in-flight gauge (public traffic).
  void AdminRequestFinished(std::string_view method, std::string_view route, int status,
                            absl::Duration latency);

  // A request refused by the rate limiter; unknown classes are not counted.
  void RateLimited(std::string_view route_class);
  // A rate limit check that could not be made (store unreachable), and whether
  // the request was let through anyway.
  void RateLimiterUnavailable(bool failed_open);

  // Outcomes of proof-of-work checks (gateway/pow), as their labels.
  static constexpr std::array<std::string_view, 6> kPowOutcomes = {
      "passed", "required", "invalid", "expired", "replayed", "unavailable"};
  // One check of a request's proof of work; unknown outcomes are not counted.
  void PowChecked(std::string_view outcome);

  // An audit record the gateway could not append (the audit service failed
  // or was unreachable) after the action itself was done.
  void AuditFailed() { audit_failures_.fetch_add(1, std::memory_order_relaxed); }
  uint64_t audit_failures() const { return audit_failures_.load(std::memory_order_relaxed); }

  // The text exposition format (version 0.0.4).
  std::string Render() const;

  // For tests: the value of requests_total of one series and status class
  // ("2xx"), or -1 if there is no such series.
  int64_t RequestCount(std::string_view method, std::string_view route,
                       std::string_view status_class, Listener listener = Listener::kPublic) const;
  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  struct Series {
    Listener listener = Listener::kPublic;
    std::string method;
    std::string route;
    std::array<std::atomic<uint64_t>, 5> by_class{};  // 1xx .. 5xx
    std::atomic<uint64_t> errors{0};
    std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};  // not cumulative
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_micros{0};
  };

  // Listener, method, route; the views point into the series' own strings, so
  // a request finds its series without copying method and route into a key.
  using SeriesKey = std::tuple<Listener, std::string_view, std::string_view>;

  Series& Find(Listener listener, std::string_view method, std::string_view route);
  void Add(Listener listener, std::string method, std::string route);
  // Every method's "unmatched" series of `listener`.
  void AddUnmatched(Listener listener);
  static void Record(Series& series, int status, absl::Duration latency);
  // The series' labels before the metric's own (code, le): method and route,
  // led by listener="admin" on the admin listener's.
  static std::string Labels(const Series& series);

  std::vector<std::unique_ptr<Series>> series_;
  std::map<SeriesKey, Series*> index_;
  std::atomic<int64_t> in_flight_{0};
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>, std::less<>> rate_limited_;
  std::atomic<uint64_t> limiter_unavailable_open_{0};
  std::atomic<uint64_t> limiter_unavailable_closed_{0};
  std::array<std::atomic<uint64_t>, kPowOutcomes.size()> pow_checks_{};
  std::atomic<uint64_t> audit_failures_{0};
};

}  // namespace stadt::gateway
