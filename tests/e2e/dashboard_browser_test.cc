// End to end in a real browser: redis-server, the monitoring service and the
// gateway on free ports (tests/harness/stack.h), KPI events fed over gRPC as a
// service's reporter sends them, then Debian's headless Chromium loads the
// gateway's /dashboard, runs its script against the live JSON API and
//   - dumps the DOM it built (--dump-dom), which must show the five fields of
//     action, the fed values with their status, every KPI with a chart and
//     every measure with its milestones and blocked dependencies;
//   - takes a screenshot (--screenshot), which must be a real 1280x2000 PNG.
//
// Artifacts, kept in the build tree after the run for a person to look at
// (and overwritten by the next run): <build>/tests/dashboard.png and the DOM
// at <build>/tests/dashboard.dom.html (STADT_DASHBOARD_ARTIFACT_DIR).
//
// Chromium: /usr/bin/chromium from Debian's `chromium` (deploy/setup.sh). If
// it is missing the test fails when CI is set, and is skipped otherwise.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "stadt/monitoring/v1/monitoring.grpc.pb.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

namespace v1 = stadt::monitoring::v1;
using ::testing::HasSubstr;

constexpr absl::Duration kBrowserTimeout = absl::Seconds(90);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Text as Chromium serializes it inside an element.
std::string HtmlText(const std::string& text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
}

// The element that carries id="<id>" up to the first `</close>` after it
// (the dashboard's articles and list items do not nest).
std::string Element(const std::string& dom, const std::string& id, const std::string& close) {
  const size_t start = dom.find(absl::StrCat("id=\"", id, "\""));
  if (start == std::string::npos) return "";
  const size_t end = dom.find(absl::StrCat("</", close, ">"), start);
  return dom.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class DashboardBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(STADT_CHROMIUM_BIN, X_OK) != 0) {
      if (getenv("CI") != nullptr) {
        FAIL() << STADT_CHROMIUM_BIN << " is missing: deploy/setup.sh installs Debian's chromium";
      }
      GTEST_SKIP() << STADT_CHROMIUM_BIN << " is missing (apt-get install chromium)";
    }
    StackOptions options;
    options.gateway_env["GATEWAY_READINESS_BACKENDS"] = "monitoring";
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::StartWith({"monitoring"}, options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
    stub_ = v1::Monitoring::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", stack_->service_port("monitoring")),
                            grpc::InsecureChannelCredentials()));
    FeedEvents();
  }

  void TearDown() override {
    if (stack_ == nullptr) return;
    absl::Status stopped = stack_->Stop();
    EXPECT_TRUE(stopped.ok()) << stopped.message();
  }

  // Values no other figure on the page has: an average of 17.25 days to the
  // next free appointment (target at most 14, off track above 21: at risk),
  // 4,242 appointments booked today (target at least 400: on track) and a
  // no-show rate of 25 % (target 8 %, off track above 15 %: off track).
  void FeedEvents() {
    const int64_t now = absl::ToUnixSeconds(absl::Now()) - 5;
    const int64_t yesterday = now - 24 * 3600;
    v1::ReportEventsRequest batch;
    batch.set_reporter("appointments");
    int id = 0;
    auto add = [&](const std::string& kpi, double value, int64_t time) {
      v1::KpiEvent* event = batch.add_events();
      event->set_event_id(absl::StrCat("dashboard-", ++id));
      event->set_kpi_id(kpi);
      event->mutable_time()->set_seconds(time);
      event->set_value(value);
      (*event->mutable_dimensions())["office"] = "mitte";
    };
    for (int i = 0; i < 3; ++i) add("appointments_days_to_next_free_slot", 17.25, now);
    add("appointments_days_to_next_free_slot", 12, yesterday);
    for (double value : {4000.0, 200.0, 42.0}) add("appointments_booked", value, now);
    add("appointments_booked", 3900, yesterday);
    for (double outcome : {1.0, 0.0, 0.0, 0.0}) add("appointments_no_show_rate", outcome, now);

    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::ReportEventsResponse response;
    grpc::Status status = stub_->ReportEvents(&context, batch, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.accepted(), batch.events_size()) << response.DebugString();
  }

  std::string DashboardUrl() const {
    return absl::StrCat("http://127.0.0.1:", stack_->gateway_port(), "/dashboard");
  }

  // Runs headless Chromium with `args` and the URL; returns what it wrote to
  // stdout. Its stderr (D-Bus noise included) goes to a log for failures.
  std::string RunChromium(const std::vector<std::string>& args) {
    std::string pattern = absl::StrCat(::testing::TempDir(), "stadt-dashboard-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return "";
    }
    const std::string dir = pattern;
    const std::string out = absl::StrCat(dir, "/stdout");
    browser_log_ = absl::StrCat(dir, "/stderr");
    // sh keeps stdout (the DOM) apart from stderr; the arguments stay
    // positional, so nothing is quoted or interpreted by the shell.
    std::vector<std::string> argv = {
        "-c", "exec \"$@\" 2>>\"$DASHBOARD_TEST_STDERR\"", "sh", STADT_CHROMIUM_BIN,
        "--headless=new",
        // The test runs as root, where Chromium's sandbox refuses to start.
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
        "--disable-dev-shm-usage",
        // Until the page's fetches are done and it is idle, at most 10 s.
        "--virtual-time-budget=10000", absl::StrCat("--user-data-dir=", dir, "/profile")};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(DashboardUrl());
    absl::StatusOr<std::unique_ptr<Subprocess>> browser =
        Subprocess::Start("/bin/sh", argv,
                          {{"DASHBOARD_TEST_STDERR", browser_log_},
                           {"XDG_CONFIG_HOME", absl::StrCat(dir, "/config")},
                           {"XDG_CACHE_HOME", absl::StrCat(dir, "/cache")}},
                          out);
    EXPECT_TRUE(browser.ok()) << browser.status();
    if (!browser.ok()) return "";
    const absl::Time deadline = absl::Now() + kBrowserTimeout;
    while ((*browser)->Running() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
    if ((*browser)->Running()) {
      (*browser)->Kill();
      ADD_FAILURE() << "chromium did not finish within " << kBrowserTimeout << "\n" << BrowserLog();
      return "";
    }
    EXPECT_EQ((*browser)->Wait(), 0) << BrowserLog();
    // The profile and caches are a few MB per run; the logs stay.
    for (const char* state : {"profile", "config", "cache"}) {
      std::filesystem::remove_all(absl::StrCat(dir, "/", state));
    }
    return ReadFile(out);
  }

  std::string BrowserLog() const { return absl::StrCat("--- chromium\n", ReadFile(browser_log_)); }

  std::unique_ptr<Stack> stack_;
  std::unique_ptr<v1::Monitoring::Stub> stub_;
  std::string browser_log_;
};

TEST_F(DashboardBrowserTest, ShowsFieldsKpisAndMeasuresWithLiveFigures) {
  const std::string dom = RunChromium({"--dump-dom"});
  std::ofstream(absl::StrCat(STADT_DASHBOARD_ARTIFACT_DIR, "/dashboard.dom.html")) << dom;
  ASSERT_THAT(dom, HasSubstr("<html lang=\"en\">")) << BrowserLog();
  // The script ran, every fetch answered, and the page says so.
  ASSERT_THAT(dom, HasSubstr("data-state=\"ready\"")) << dom << BrowserLog() << stack_->Logs();
  EXPECT_THAT(dom, HasSubstr("Updated at "));

  // The five fields of action, with a status in words.
  HttpResult fields = stack_->Fetch("GET", "/v1/monitoring/fields");
  ASSERT_EQ(fields.status, 200) << fields.body;
  const boost::json::value fields_json = Json(fields);
  const boost::json::array& field_list = fields_json.at("fields").as_array();
  ASSERT_EQ(field_list.size(), 5u);
  for (const boost::json::value& field : field_list) {
    const std::string title(field.at("title").as_string());
    EXPECT_THAT(dom, HasSubstr(HtmlText(title))) << title;
    const std::string card =
        Element(dom, absl::StrCat("field-", field.at("number").to_number<int>()), "li");
    EXPECT_THAT(card, HasSubstr(HtmlText(title)));
    EXPECT_THAT(card, ::testing::ContainsRegex("status-label\">(On track|At risk|Off track|No "
                                               "data yet)<"));
  }
  // Field 3 holds the three KPIs fed: its status is the worst of them.
  EXPECT_THAT(Element(dom, "field-3", "li"), HasSubstr("status-label\">Off track<"));

  // The fed values as the page formats them, each next to its status, target
  // and a chart of its series.
  const std::string days = Element(dom, "kpi-appointments_days_to_next_free_slot", "article");
  EXPECT_THAT(days, HasSubstr("17.25 days"));
  EXPECT_THAT(days, HasSubstr("status-label\">At risk<"));
  EXPECT_THAT(days, HasSubstr("at most 14 days"));
  EXPECT_THAT(days, HasSubstr("<svg"));
  EXPECT_THAT(days, HasSubstr("class=\"chart-last\""));
  EXPECT_THAT(days, HasSubstr("latest 17.25 days"));  // the chart's accessible name

  const std::string booked = Element(dom, "kpi-appointments_booked", "article");
  EXPECT_THAT(booked, HasSubstr("4,242 appointments"));
  EXPECT_THAT(booked, HasSubstr("status-label\">On track<"));
  EXPECT_THAT(booked, HasSubstr("at least 400 appointments"));
  EXPECT_THAT(booked, HasSubstr("<svg"));

  const std::string no_show = Element(dom, "kpi-appointments_no_show_rate", "article");
  EXPECT_THAT(no_show, HasSubstr("25%"));
  EXPECT_THAT(no_show, HasSubstr("status-label\">Off track<"));

  // Every public KPI has its card; one without events says so in words.
  HttpResult kpis = stack_->Fetch("GET", "/v1/monitoring/kpis");
  ASSERT_EQ(kpis.status, 200);
  const boost::json::value kpis_json = Json(kpis);
  const boost::json::array& kpi_list = kpis_json.at("kpis").as_array();
  EXPECT_EQ(Count(dom, "<article class=\"kpi "), kpi_list.size());
  EXPECT_THAT(Element(dom, "kpi-appointments_cancelled", "article"),
              HasSubstr("status-label\">No data yet<"));

  // Every measure with its milestones; one held up names what blocks it.
  HttpResult measures = stack_->Fetch("GET", "/v1/monitoring/measures");
  ASSERT_EQ(measures.status, 200);
  const boost::json::value measures_json = Json(measures);
  const boost::json::array& measure_list = measures_json.at("measures").as_array();
  std::map<std::string, std::string> titles;
  size_t milestones = 0;
  for (const boost::json::value& measure : measure_list) {
    titles[std::string(measure.at("measureId").as_string())] = measure.at("title").as_string();
    milestones += measure.at("milestones").as_array().size();
  }
  EXPECT_EQ(Count(dom, "<article class=\"measure "), measure_list.size());
  EXPECT_EQ(Count(dom, "<li class=\"milestone "), milestones);
  int held_up = 0;
  for (const boost::json::value& measure : measure_list) {
    const std::string id(measure.at("measureId").as_string());
    const std::string card = Element(dom, absl::StrCat("measure-", id), "article");
    EXPECT_THAT(card, HasSubstr(HtmlText(titles[id])));
    for (const boost::json::value& blocker : measure.at("blockedBy").as_array()) {
      ++held_up;
      EXPECT_THAT(card, HasSubstr("Blocked by:")) << id;
      EXPECT_THAT(card, HasSubstr(HtmlText(titles[std::string(blocker.as_string())]))) << id;
    }
  }
  EXPECT_GT(held_up, 0) << "the seed catalog has measures held up by blocked ones";
}

TEST_F(DashboardBrowserTest, ScreenshotOfTheLivePage) {
  const std::string png = absl::StrCat(STADT_DASHBOARD_ARTIFACT_DIR, "/dashboard.png");
  std::filesystem::remove(png);  // never pass on an old run's picture
  RunChromium({absl::StrCat("--screenshot=", png), "--window-size=1280,2000"});
  ASSERT_TRUE(std::filesystem::exists(png)) << BrowserLog();
  const std::string bytes = ReadFile(png);
  ASSERT_GE(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n");
  // IHDR: width and height, big-endian, right after the signature and chunk header.
  auto be32 = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
  };
  EXPECT_EQ(be32(16), 1280u);
  EXPECT_EQ(be32(20), 2000u);
  // A blank or error page compresses to a few kB; the dashboard with its
  // cards, text and charts is far larger.
  EXPECT_GT(bytes.size(), 60'000u) << png;
}

}  // namespace
}  // namespace stadt::testing
