#include "gateway/metrics/metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HttpMetricsTest : public ::testing::Test {
 protected:
  HttpMetrics metrics_{{{"GET", "/v1/offices/{office_id}"}, {"PUT", "/v1/offices/{office.id}"}},
                       {"read", "write"}};
};

TEST_F(HttpMetricsTest, CountsByRouteTemplateAndStatusClass) {
  metrics_.RequestStarted();
  metrics_.RequestFinished("GET", "/v1/offices/{office_id}", 200, absl::Milliseconds(3));
  metrics_.RequestStarted();
  metrics_.RequestFinished("GET", "/v1/offices/{office_id}", 404, absl::Milliseconds(3));
  metrics_.RequestStarted();
  metrics_.RequestFinished("PUT", "/v1/offices/{office.id}", 503, absl::Milliseconds(3));
  EXPECT_EQ(metrics_.RequestCount("GET", "/v1/offices/{office_id}", "2xx"), 1);
  EXPECT_EQ(metrics_.RequestCount("GET", "/v1/offices/{office_id}", "4xx"), 1);
  EXPECT_EQ(metrics_.RequestCount("PUT", "/v1/offices/{office.id}", "5xx"), 1);
  EXPECT_EQ(metrics_.in_flight(), 0);

  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE stadt_gateway_http_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_http_requests_total{method="GET",)"
                              R"(route="/v1/offices/{office_id}",code="4xx"} 1)"));
  // Only 5xx counts as an error of the gateway or a backend.
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_http_request_errors_total{method="GET",)"
                              R"(route="/v1/offices/{office_id}"} 0)"));
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_http_request_errors_total{method="PUT",)"
                              R"(route="/v1/offices/{office.id}"} 1)"));
}

TEST_F(HttpMetricsTest, UnknownRoutesAndMethodsShareBoundedSeries) {
  // A concrete path or an invented method must never create a series.
  metrics_.RequestStarted();
  metrics_.RequestFinished("GET", "/v1/offices/buergerbuero-mitte", 404, absl::ZeroDuration());
  metrics_.RequestStarted();
  metrics_.RequestFinished("BREW", "/coffee", 404, absl::ZeroDuration());
  EXPECT_EQ(metrics_.RequestCount("GET", "unmatched", "4xx"), 1);
  EXPECT_EQ(metrics_.RequestCount("OTHER", "unmatched", "4xx"), 1);
  EXPECT_EQ(metrics_.RequestCount("GET", "/v1/offices/buergerbuero-mitte", "4xx"), -1);
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, Not(HasSubstr("buergerbuero")));
  EXPECT_THAT(text, Not(HasSubstr("BREW")));
}

TEST_F(HttpMetricsTest, AdminListenerRequestsCountInSeriesOfTheirOwn) {
  using Listener = HttpMetrics::Listener;
  metrics_.AdminRequestFinished("GET", "/metrics", 200, absl::Milliseconds(2));
  metrics_.AdminRequestFinished("GET", "/metrics", 200, absl::Milliseconds(2));
  metrics_.AdminRequestFinished("POST", "/metrics", 404, absl::ZeroDuration());
  metrics_.AdminRequestFinished("GET", "/v1/offices/buergerbuero-mitte", 404, absl::ZeroDuration());
  EXPECT_EQ(metrics_.RequestCount("GET", "/metrics", "2xx", Listener::kAdmin), 2);
  EXPECT_EQ(metrics_.RequestCount("POST", "unmatched", "4xx", Listener::kAdmin), 1);
  EXPECT_EQ(metrics_.RequestCount("GET", "unmatched", "4xx", Listener::kAdmin), 1);
  // The public figures are the citizens' traffic alone.
  EXPECT_EQ(metrics_.RequestCount("GET", "unmatched", "4xx"), 0);
  EXPECT_EQ(metrics_.RequestCount("GET", "/metrics", "2xx"), -1);
  EXPECT_EQ(metrics_.in_flight(), 0);

  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_http_requests_total{listener="admin",)"
                              R"(method="GET",route="/metrics",code="2xx"} 2)"));
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_http_request_errors_total{listener="admin",)"
                              R"(method="GET",route="/metrics"} 0)"));
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_http_request_duration_seconds_count{)"
                              R"(listener="admin",method="GET",route="/metrics"} 2)"));
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_http_requests_total{method="GET",)"
                              R"(route="unmatched",code="4xx"} 0)"));
  EXPECT_THAT(text, Not(HasSubstr("buergerbuero")));
}

TEST_F(HttpMetricsTest, LatencyHistogramIsCumulativeInSeconds) {
  const std::string route = "/v1/offices/{office_id}";
  for (absl::Duration latency : {absl::Microseconds(500), absl::Milliseconds(20),
                                 absl::Milliseconds(20), absl::Seconds(7)}) {
    metrics_.RequestStarted();
    metrics_.RequestFinished("GET", route, 200, latency);
  }
  const std::string text = metrics_.Render();
  const std::string prefix =
      R"(stadt_gateway_http_request_duration_seconds_bucket{method="GET",route="/v1/offices/{office_id}",le=)";
  EXPECT_THAT(text, HasSubstr(prefix + R"("0.001"} 1)"));
  EXPECT_THAT(text, HasSubstr(prefix + R"("0.01"} 1)"));
  EXPECT_THAT(text, HasSubstr(prefix + R"("0.025"} 3)"));
  EXPECT_THAT(text, HasSubstr(prefix + R"("5"} 3)"));
  EXPECT_THAT(text, HasSubstr(prefix + R"("+Inf"} 4)"));
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_http_request_duration_seconds_sum{method="GET",)"
                              R"(route="/v1/offices/{office_id}"} 7.040500)"));
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_http_request_duration_seconds_count{method="GET",)"
                              R"(route="/v1/offices/{office_id}"} 4)"));
}

TEST_F(HttpMetricsTest, InFlightGaugeFollowsStartsAndFinishes) {
  metrics_.RequestStarted();
  metrics_.RequestStarted();
  EXPECT_THAT(metrics_.Render(), HasSubstr("stadt_gateway_http_requests_in_flight 2\n"));
  metrics_.RequestFinished("GET", "unmatched", 404, absl::ZeroDuration());
  EXPECT_THAT(metrics_.Render(), HasSubstr("stadt_gateway_http_requests_in_flight 1\n"));
}

TEST_F(HttpMetricsTest, RateLimiterOutcomes) {
  metrics_.RateLimited("write");
  metrics_.RateLimited("write");
  metrics_.RateLimited("no-such-class");
  metrics_.RateLimiterUnavailable(/*failed_open=*/true);
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("stadt_gateway_rate_limited_total{route_class=\"write\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("stadt_gateway_rate_limited_total{route_class=\"read\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("no-such-class")));
  EXPECT_THAT(text,
              HasSubstr("stadt_gateway_rate_limiter_unavailable_total{outcome=\"open\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("stadt_gateway_rate_limiter_unavailable_total{outcome=\"closed\"} 0\n"));
}

TEST_F(HttpMetricsTest, PowOutcomes) {
  metrics_.PowChecked("passed");
  metrics_.PowChecked("replayed");
  metrics_.PowChecked("replayed");
  metrics_.PowChecked("no-such-outcome");
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("stadt_gateway_pow_checks_total{outcome=\"passed\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("stadt_gateway_pow_checks_total{outcome=\"replayed\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("stadt_gateway_pow_checks_total{outcome=\"unavailable\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("no-such-outcome")));
}

TEST(HttpMetricsLabelTest, EscapesLabelValues) {
  HttpMetrics metrics({{"GET", "/a\"b\\c"}}, {});
  EXPECT_THAT(metrics.Render(), HasSubstr(R"(route="/a\"b\\c")"));
}

TEST_F(HttpMetricsTest, EveryLineIsCommentOrSample) {
  const std::string text = metrics_.Render();
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "text must end with a newline";
    const std::string line = text.substr(start, end - start);
    EXPECT_TRUE(line.starts_with("# HELP ") || line.starts_with("# TYPE ") ||
                line.starts_with("stadt_gateway_"))
        << line;
    EXPECT_NE(line.rfind(' '), std::string::npos) << line;
    start = end + 1;
  }
}

}  // namespace
}  // namespace stadt::gateway
