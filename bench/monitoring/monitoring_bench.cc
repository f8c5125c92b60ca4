// Ingest throughput over gRPC and dashboard query latency over a year of daily
// data, against a real stadt-monitoring and redis-server started here.
//
//   stadt-monitoring-bench [events=1000000] [batch=500] [clients=4] [always|everysec]
//
// The last argument is Redis's appendfsync: "always" is what the harness and
// the local stack run (every acknowledged write on disk); "everysec" is what
// a Redis of its own for KPI aggregates could run (see the README).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/common/fake_clock.h"
#include "services/monitoring/domain/monitoring_service.h"
#include "services/monitoring/store/redis_monitoring_repository.h"
#include "stadt/monitoring/v1/monitoring.grpc.pb.h"
#include "tests/harness/process.h"
#include "tests/harness/redis_server.h"

namespace stadt::monitoring {
namespace {

namespace v1 = stadt::monitoring::v1;

constexpr const char* kOffices[] = {"mitte", "nord",          "sued",      "ost",
                                    "west",  "bad-cannstatt", "vaihingen", "zuffenhausen"};

struct Options {
  int64_t events = 1'000'000;
  int batch = 500;
  int clients = 4;
  std::string appendfsync = "always";
};

// One event of a realistic mix: counts, ratios, averages and a percentile.
void FillEvent(int64_t n, const std::string& prefix, int64_t now_seconds, v1::KpiEvent* event) {
  event->set_event_id(absl::StrCat(prefix, n));
  event->mutable_time()->set_seconds(now_seconds);
  const char* office = kOffices[n % 8];
  switch (n % 4) {
    case 0:
      event->set_kpi_id("appointments_booked");
      event->set_value(1);
      (*event->mutable_dimensions())["office"] = office;
      break;
    case 1:
      event->set_kpi_id("appointments_no_show_rate");
      event->set_value(n % 10 == 1 ? 1 : 0);
      (*event->mutable_dimensions())["office"] = office;
      break;
    case 2:
      event->set_kpi_id("parking_session_minutes");
      event->set_value(static_cast<double>(n % 180));
      (*event->mutable_dimensions())["zone"] = absl::StrCat(1100 + n % 20);
      break;
    default:
      event->set_kpi_id("video_wait_seconds");
      event->set_value(static_cast<double>(n % 900));
      (*event->mutable_dimensions())["department"] = "buergerbuero";
      break;
  }
}

// CPU seconds (user + system) Redis and the service have used so far: the
// machine is shared, so wall-clock rates vary with the neighbours' load, and
// CPU per event is the steadier figure.
double RedisCpuSeconds(redis::Client& admin) {
  absl::StatusOr<redis::Reply> info = admin.Command({"INFO", "cpu"});
  if (!info.ok()) return 0;
  double total = 0;
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    for (const char* field : {"used_cpu_sys:", "used_cpu_user:"}) {
      double value = 0;
      if (absl::ConsumePrefix(&line, field) && absl::SimpleAtod(line, &value)) total += value;
    }
  }
  return total;
}

double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat(std::istreambuf_iterator<char>(in), {});
  // Fields after the command name (which is in parentheses): utime is the
  // 12th, stime the 13th.
  std::vector<std::string> fields = absl::StrSplit(stat.substr(stat.rfind(')') + 2), ' ');
  double ticks = 0;
  int64_t value = 0;
  for (size_t i : {size_t{11}, size_t{12}}) {
    if (i < fields.size() && absl::SimpleAtoi(fields[i], &value))
      ticks += static_cast<double>(value);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct CpuMeter {
  redis::Client& admin;
  pid_t service;
  double redis_start = RedisCpuSeconds(admin);
  double service_start = ProcessCpuSeconds(service);

  void Print(const char* what, int64_t events) const {
    const double redis = RedisCpuSeconds(admin) - redis_start;
    const double service_cpu = ProcessCpuSeconds(service) - service_start;
    std::printf(
        "  %s CPU: redis %.2f s (%.1f us/event, %.0f events per redis-core-second), "
        "service %.2f s (%.1f us/event)\n",
        what, redis, redis * 1e6 / static_cast<double>(events), static_cast<double>(events) / redis,
        service_cpu, service_cpu * 1e6 / static_cast<double>(events));
  }
};

void BenchIngest(const std::string& address, const Options& options, redis::Client& admin,
                 pid_t service) {
  CpuMeter meter{admin, service};
  std::atomic<int64_t> next = 0;
  std::atomic<int64_t> accepted = 0;
  std::atomic<int64_t> failed = 0;
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  const absl::Time start = absl::Now();
  std::vector<std::thread> clients;
  for (int c = 0; c < options.clients; ++c) {
    clients.emplace_back([&, c] {
      // A channel per client, as every service has its own.
      grpc::ChannelArguments args;
      args.SetInt("grpc.channel_id", c);
      auto stub = v1::Monitoring::NewStub(
          grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
      for (;;) {
        const int64_t first = next.fetch_add(options.batch);
        if (first >= options.events) return;
        v1::ReportEventsRequest request;
        request.set_reporter("bench");
        const int64_t last = std::min(options.events, first + options.batch);
        for (int64_t n = first; n < last; ++n) FillEvent(n, "ev-", now, request.add_events());
        grpc::ClientContext context;
        v1::ReportEventsResponse response;
        if (stub->ReportEvents(&context, request, &response).ok()) {
          accepted += response.accepted();
        } else {
          failed += last - first;
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf(
      "ingest: %lld events in batches of %d from %d clients: %.2f s, %.0f events/s "
      "(accepted %lld, failed %lld)\n",
      static_cast<long long>(options.events), options.batch, options.clients, seconds,
      static_cast<double>(options.events) / seconds, static_cast<long long>(accepted.load()),
      static_cast<long long>(failed.load()));
  meter.Print("ingest", options.events);

  // The same events again: a retry storm costs one HSETNX per event.
  auto stub =
      v1::Monitoring::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  const int64_t retried = std::min<int64_t>(options.events, 100'000);
  int64_t duplicates = 0;
  const absl::Time retry_start = absl::Now();
  CpuMeter retry_meter{admin, service};
  for (int64_t first = 0; first < retried; first += options.batch) {
    v1::ReportEventsRequest request;
    for (int64_t n = first; n < std::min(retried, first + options.batch); ++n) {
      FillEvent(n, "ev-", now, request.add_events());
    }
    grpc::ClientContext context;
    v1::ReportEventsResponse response;
    if (stub->ReportEvents(&context, request, &response).ok()) duplicates += response.duplicates();
  }
  const double retry_seconds = absl::ToDoubleSeconds(absl::Now() - retry_start);
  std::printf("retry of %lld already counted events (1 client): %.0f events/s, %lld duplicates\n",
              static_cast<long long>(retried), static_cast<double>(retried) / retry_seconds,
              static_cast<long long>(duplicates));
  retry_meter.Print("retry", retried);
}

// A year of daily history for one KPI, written through the use case with a
// clock that walks day by day (the service itself accepts only fresh events).
void LoadYear(int redis_port, const Catalog& catalog, absl::TimeZone zone) {
  redis::Options redis_options;
  redis_options.port = redis_port;
  std::unique_ptr<redis::Client> client = redis::Client::Create(redis_options);
  RedisMonitoringRepository repository(*client);
  FakeClock clock(absl::Now());
  MonitoringSettings settings;
  settings.zone = zone;
  MonitoringService service(catalog, repository, clock, settings);
  const absl::Time today = absl::Now();
  int64_t loaded = 0;
  for (int day = 365; day >= 1; --day) {
    clock.Set(today - absl::Hours(24 * day));
    std::vector<ReportedEvent> events;
    for (int i = 0; i < 400; ++i) {
      events.push_back({absl::StrCat("hist-", day, "-", i),
                        "appointments_booked",
                        clock.Now() - absl::Minutes(i % 60),
                        1,
                        {{"office", kOffices[i % 8]}}});
    }
    absl::StatusOr<ReportCounts> counts = service.Report(events);
    if (counts.ok()) loaded += counts->accepted;
  }
  std::printf("history: %lld events over 365 days for appointments_booked (8 offices)\n",
              static_cast<long long>(loaded));
}

template <typename Call>
void Latency(const char* name, int runs, Call call) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const absl::Time start = absl::Now();
    if (!call()) {
      std::printf("%s: call failed\n", name);
      return;
    }
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-44s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms (%d runs)\n", name, ms[ms.size() / 2],
              ms[ms.size() * 99 / 100], ms.back(), runs);
}

void BenchQueries(const std::string& address) {
  auto stub =
      v1::Monitoring::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  auto series = [&](const std::string& dimension) {
    return [&stub, now, dimension] {
      v1::GetKpiSeriesRequest request;
      request.set_kpi_id("appointments_booked");
      request.set_grain(v1::GRAIN_DAY);
      request.mutable_from()->set_seconds(now - 366 * 86400);
      request.set_dimension(dimension);
      grpc::ClientContext context;
      v1::KpiSeries response;
      return stub->GetKpiSeries(&context, request, &response).ok() &&
             response.series(0).points_size() >= 366;
    };
  };
  Latency("GetKpiSeries, 1 year daily, total", 200, series(""));
  Latency("GetKpiSeries, 1 year daily, per office (8+1)", 200, series("office"));
  Latency("ListKpis (18 KPIs)", 200, [&] {
    v1::ListKpisRequest request;
    grpc::ClientContext context;
    context.AddMetadata("x-stadt-roles", "steering_office");
    v1::ListKpisResponse response;
    return stub->ListKpis(&context, request, &response).ok();
  });
  Latency("ListFieldsOfAction", 200, [&] {
    grpc::ClientContext context;
    v1::ListFieldsOfActionResponse response;
    return stub->ListFieldsOfAction(&context, v1::ListFieldsOfActionRequest(), &response).ok();
  });
  Latency("ListMeasures", 200, [&] {
    grpc::ClientContext context;
    v1::ListMeasuresResponse response;
    return stub->ListMeasures(&context, v1::ListMeasuresRequest(), &response).ok();
  });
  Latency("GetPrometheusMetrics", 200, [&] {
    grpc::ClientContext context;
    context.AddMetadata("x-stadt-roles", "steering_office");
    v1::HttpBody response;
    return stub->GetPrometheusMetrics(&context, v1::GetPrometheusMetricsRequest(), &response).ok();
  });
}

int64_t Arg(int argc, char** argv, int index, int64_t fallback) {
  int64_t value = 0;
  return argc > index && absl::SimpleAtoi(argv[index], &value) && value > 0 ? value : fallback;
}

int Run(int argc, char** argv) {
  Options options;
  options.events = Arg(argc, argv, 1, options.events);
  options.batch = static_cast<int>(Arg(argc, argv, 2, options.batch));
  options.clients = static_cast<int>(Arg(argc, argv, 3, options.clients));
  if (argc > 4 && std::string(argv[4]) == "everysec") options.appendfsync = "everysec";

  absl::StatusOr<std::unique_ptr<testing::RedisServer>> redis = testing::RedisServer::Start();
  if (!redis.ok()) {
    std::fprintf(stderr, "redis: %s\n", std::string(redis.status().message()).c_str());
    return 1;
  }
  const int port = testing::PickFreePort();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> service =
      testing::Subprocess::Start(STADT_MONITORING_BIN, {},
                                 {{"MONITORING_GRPC_ADDRESS", address},
                                  {"MONITORING_CATALOG_FILE", STADT_MONITORING_CATALOG},
                                  {"REDIS_ADDRESS", absl::StrCat("127.0.0.1:", (*redis)->port())},
                                  {"LOG_LEVEL", "warn"}},
                                 absl::StrCat((*redis)->dir(), "/monitoring.log"));
  if (!service.ok() || !testing::WaitForTcpPort(port, absl::Seconds(20)).ok()) {
    std::fprintf(stderr, "stadt-monitoring did not start\n");
    return 1;
  }
  redis::Options redis_options;
  redis_options.port = (*redis)->port();
  std::unique_ptr<redis::Client> admin = redis::Client::Create(redis_options);
  if (!admin->Command({"CONFIG", "SET", "appendfsync", options.appendfsync}).ok()) return 1;
  std::printf("machine: %u hardware threads; redis AOF with appendfsync %s\n",
              std::thread::hardware_concurrency(), options.appendfsync.c_str());
  BenchIngest(address, options, *admin, (*service)->pid());

  std::ifstream in(STADT_MONITORING_CATALOG);
  absl::StatusOr<Catalog> catalog =
      ParseCatalog(std::string(std::istreambuf_iterator<char>(in), {}));
  absl::TimeZone zone;
  if (!catalog.ok() || !absl::LoadTimeZone("Europe/Berlin", &zone)) return 1;
  LoadYear((*redis)->port(), *catalog, zone);
  BenchQueries(address);
  return 0;
}

}  // namespace
}  // namespace stadt::monitoring

int main(int argc, char** argv) { return stadt::monitoring::Run(argc, argv); }
