#include "gateway/metrics/metrics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/strings.h"

namespace stadt::gateway {
namespace {

constexpr std::string_view kMethods[] = {"GET",   "HEAD",   "POST",   "PUT",
                                         "PATCH", "DELETE", "OPTIONS"};
constexpr std::string_view kOtherMethod = "OTHER";
constexpr std::string_view kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

// Label values are escaped as the exposition format requires.
std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view KnownMethod(std::string_view method) {
  for (std::string_view known : kMethods) {
    if (known == method) return known;
  }
  return kOtherMethod;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  absl::StrAppend(&out, "# HELP ", ToAbsl(name), " ", ToAbsl(help), "\n# TYPE ", ToAbsl(name), " ",
                  ToAbsl(type), "\n");
}

uint64_t Load(const std::atomic<uint64_t>& value) { return value.load(std::memory_order_relaxed); }

}  // namespace

HttpMetrics::HttpMetrics(const std::vector<std::pair<std::string, std::string>>& routes,
                         const std::vector<std::string>& route_classes) {
  for (const auto& [method, route] : routes) Add(Listener::kPublic, method, route);
  AddUnmatched(Listener::kPublic);
  for (std::string_view route : kAdminRoutes) Add(Listener::kAdmin, "GET", std::string(route));
  AddUnmatched(Listener::kAdmin);
  for (const std::string& route_class : route_classes) {
    rate_limited_.emplace(route_class, std::make_unique<std::atomic<uint64_t>>(0));
  }
}

void HttpMetrics::AddUnmatched(Listener listener) {
  for (std::string_view method : kMethods) {
    Add(listener, std::string(method), std::string(kUnmatched));
  }
  Add(listener, std::string(kOtherMethod), std::string(kUnmatched));
}

void HttpMetrics::Add(Listener listener, std::string method, std::string route) {
  if (index_.contains(SeriesKey(listener, method, route))) return;
  auto series = std::make_unique<Series>();
  series->listener = listener;
  series->method = std::move(method);
  series->route = std::move(route);
  index_.emplace(SeriesKey(listener, series->method, series->route), series.get());
  series_.push_back(std::move(series));
}

HttpMetrics::Series& HttpMetrics::Find(Listener listener, std::string_view method,
                                       std::string_view route) {
  auto it = index_.find(SeriesKey(listener, method, route));
  if (it != index_.end()) return *it->second;
  return *index_.at(SeriesKey(listener, KnownMethod(method), kUnmatched));
}

void HttpMetrics::RequestFinished(std::string_view method, std::string_view route, int status,
                                  absl::Duration latency) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  Record(Find(Listener::kPublic, method, route), status, latency);
}

void HttpMetrics::AdminRequestFinished(std::string_view method, std::string_view route, int status,
                                       absl::Duration latency) {
  Record(Find(Listener::kAdmin, method, route), status, latency);
}

void HttpMetrics::Record(Series& series, int status, absl::Duration latency) {
  const int status_class = std::clamp(status / 100, 1, 5);
  series.by_class[status_class - 1].fetch_add(1, std::memory_order_relaxed);
  if (status >= 500) series.errors.fetch_add(1, std::memory_order_relaxed);
  const double seconds = absl::ToDoubleSeconds(latency);
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      series.buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  series.count.fetch_add(1, std::memory_order_relaxed);
  series.sum_micros.fetch_add(
      static_cast<uint64_t>(std::max<int64_t>(0, latency / absl::Microseconds(1))),
      std::memory_order_relaxed);
}

void HttpMetrics::RateLimited(std::string_view route_class) {
  auto it = rate_limited_.find(route_class);
  if (it != rate_limited_.end()) it->second->fetch_add(1, std::memory_order_relaxed);
}

void HttpMetrics::PowChecked(std::string_view outcome) {
  for (size_t i = 0; i < kPowOutcomes.size(); ++i) {
    if (kPowOutcomes[i] == outcome) pow_checks_[i].fetch_add(1, std::memory_order_relaxed);
  }
}

void HttpMetrics::RateLimiterUnavailable(bool failed_open) {
  (failed_open ? limiter_unavailable_open_ : limiter_unavailable_closed_)
      .fetch_add(1, std::memory_order_relaxed);
}

int64_t HttpMetrics::RequestCount(std::string_view method, std::string_view route,
                                  std::string_view status_class, Listener listener) const {
  auto it = index_.find(SeriesKey(listener, method, route));
  if (it == index_.end()) return -1;
  for (size_t i = 0; i < std::size(kClasses); ++i) {
    if (kClasses[i] == status_class) return static_cast<int64_t>(Load(it->second->by_class[i]));
  }
  return -1;
}

std::string HttpMetrics::Labels(const Series& series) {
  return absl::StrFormat(R"(%smethod="%s",route="%s")",
                         series.listener == Listener::kAdmin ? R"(listener="admin",)" : "",
                         Escape(series.method), Escape(series.route));
}

std::string HttpMetrics::Render() const {
  std::string out;
  constexpr std::string_view kRequests = "stadt_gateway_http_requests_total";
  Header(out, kRequests, "counter", "HTTP requests answered, by route template and status class.");
  for (const auto& series : series_) {
    const std::string labels = Labels(*series);
    for (size_t i = 0; i < std::size(kClasses); ++i) {
      absl::StrAppend(&out, ToAbsl(kRequests), "{", labels, ",code=\"", ToAbsl(kClasses[i]), "\"} ",
                      Load(series->by_class[i]), "\n");
    }
  }
  constexpr std::string_view kErrors = "stadt_gateway_http_request_errors_total";
  Header(out, kErrors, "counter", "HTTP requests answered with a 5xx status (server-side errors).");
  for (const auto& series : series_) {
    absl::StrAppend(&out, ToAbsl(kErrors), "{", Labels(*series), "} ", Load(series->errors), "\n");
  }
  constexpr std::string_view kDuration = "stadt_gateway_http_request_duration_seconds";
  Header(out, kDuration, "histogram", "Time from a parsed request to its response, in seconds.");
  for (const auto& series : series_) {
    const std::string labels = Labels(*series);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += Load(series->buckets[i]);
      absl::StrAppend(&out, ToAbsl(kDuration), "_bucket{", labels, ",le=\"", kBuckets[i], "\"} ",
                      cumulative, "\n");
    }
    const uint64_t count = Load(series->count);
    absl::StrAppend(&out, ToAbsl(kDuration), "_bucket{", labels, ",le=\"+Inf\"} ", count, "\n");
    absl::StrAppend(&out, ToAbsl(kDuration), "_sum{", labels, "} ",
                    absl::StrFormat("%.6f", static_cast<double>(Load(series->sum_micros)) / 1e6),
                    "\n");
    absl::StrAppend(&out, ToAbsl(kDuration), "_count{", labels, "} ", count, "\n");
  }
  constexpr std::string_view kInFlight = "stadt_gateway_http_requests_in_flight";
  Header(out, kInFlight, "gauge", "HTTP requests being handled right now.");
  absl::StrAppend(&out, ToAbsl(kInFlight), " ", in_flight_.load(std::memory_order_relaxed), "\n");
  constexpr std::string_view kLimited = "stadt_gateway_rate_limited_total";
  Header(out, kLimited, "counter",
         "Requests refused with 429 by the rate limiter, by route class.");
  for (const auto& [route_class, count] : rate_limited_) {
    absl::StrAppend(&out, ToAbsl(kLimited), "{route_class=\"", Escape(route_class), "\"} ",
                    Load(*count), "\n");
  }
  constexpr std::string_view kUnavailable = "stadt_gateway_rate_limiter_unavailable_total";
  Header(out, kUnavailable, "counter",
         "Rate limit checks that failed because the store was unreachable, by what the gateway "
         "did: let the request through (open) or refuse it (closed).");
  absl::StrAppend(&out, ToAbsl(kUnavailable), "{outcome=\"open\"} ",
                  Load(limiter_unavailable_open_), "\n");
  absl::StrAppend(&out, ToAbsl(kUnavailable), "{outcome=\"closed\"} ",
                  Load(limiter_unavailable_closed_), "\n");
  constexpr std::string_view kAuditFailures = "stadt_gateway_audit_failures_total";
  Header(out, kAuditFailures, "counter",
         "Staff actions whose audit record could not be appended (the action itself was done).");
  absl::StrAppend(&out, ToAbsl(kAuditFailures), " ", Load(audit_failures_), "\n");
  constexpr std::string_view kPow = "stadt_gateway_pow_checks_total";
  Header(out, kPow, "counter",
         "Proof-of-work checks of requests to routes that need one, by outcome: passed, or the "
         "reason of the refusal.");
  for (size_t i = 0; i < kPowOutcomes.size(); ++i) {
    absl::StrAppend(&out, ToAbsl(kPow), "{outcome=\"", ToAbsl(kPowOutcomes[i]), "\"} ",
                    Load(pow_checks_[i]), "\n");
  }
  return out;
}

}  // namespace stadt::gateway
