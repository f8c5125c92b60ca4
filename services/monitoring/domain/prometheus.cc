#include "services/monitoring/domain/prometheus.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "services/common/strings.h"

namespace stadt::monitoring {
namespace {

struct BaseUnit {
  std::string_view unit;
  std::string_view base;  // empty: a plain count of things
  double factor;
};

constexpr BaseUnit kBaseUnits[] = {
    {"seconds", "seconds", 1},  {"milliseconds", "seconds", 0.001},
    {"minutes", "seconds", 60}, {"hours", "seconds", 3600},
    {"days", "seconds", 86400}, {"cents", "euros", 0.01},
    {"euros", "euros", 1},      {"ratio", "", 1},
    {"percent", "ratio", 0.01}, {"bytes", "bytes", 1},
};

std::string Number(double value) { return absl::StrFormat("%.15g", value); }

std::string EscapeHelp(std::string_view text) {
  return absl::StrReplaceAll(ToAbsl(text), {{"\\", "\\\\"}, {"\n", "\\n"}});
}

std::string EscapeLabel(std::string_view text) {
  return absl::StrReplaceAll(ToAbsl(text), {{"\\", "\\\\"}, {"\n", "\\n"}, {"\"", "\\\""}});
}

// One metric family: its series, each a label set (maybe empty) and a cell.
struct Family {
  std::string name;
  std::string label_key;                             // empty for the total
  std::vector<std::pair<std::string, Cell>> series;  // label value -> cell
  std::map<std::string, Cell> current;               // for quantiles
};

std::string Labels(const std::string& key, const std::string& value, const std::string& extra) {
  std::string labels;
  if (!key.empty()) labels = absl::StrCat(key, "=\"", EscapeLabel(value), "\"");
  if (!extra.empty()) labels = labels.empty() ? extra : absl::StrCat(labels, ",", extra);
  return labels.empty() ? "" : absl::StrCat("{", labels, "}");
}

void RenderFamily(const KpiDefinition& kpi, double factor, const Family& family, std::string* out) {
  auto help = [&](const std::string& metric) {
    return absl::StrCat("# HELP ", metric, " ", EscapeHelp(kpi.name), " (", EscapeHelp(kpi.unit),
                        family.label_key.empty() ? "" : ", by " + family.label_key, ")\n");
  };
  switch (kpi.aggregation) {
    case Aggregation::kCount:
    case Aggregation::kSum:
      absl::StrAppend(out, help(family.name + "_total"), "# TYPE ", family.name,
                      "_total counter\n");
      for (const auto& [value, cell] : family.series) {
        absl::StrAppend(out, family.name, "_total", Labels(family.label_key, value, ""), " ",
                        Number(cell.sum * factor), "\n");
      }
      return;
    case Aggregation::kRatio:
      for (const char* part : {"numerator", "denominator"}) {
        const std::string name = absl::StrCat(family.name, "_", part, "_total");
        absl::StrAppend(out, "# HELP ", name, " ", EscapeHelp(kpi.name), ": events ",
                        part == std::string_view("numerator") ? "counted as 1" : "in all",
                        family.label_key.empty() ? "" : ", by " + family.label_key, "\n", "# TYPE ",
                        name, " counter\n");
        for (const auto& [value, cell] : family.series) {
          const double number =
              part == std::string_view("numerator") ? cell.sum : static_cast<double>(cell.samples);
          absl::StrAppend(out, name, Labels(family.label_key, value, ""), " ", Number(number),
                          "\n");
        }
      }
      return;
    default:
      break;
  }
  absl::StrAppend(out, help(family.name), "# TYPE ", family.name, " summary\n");
  for (const auto& [value, cell] : family.series) {
    if (IsPercentile(kpi.aggregation)) {
      auto current = family.current.find(value);
      for (double q : {0.5, 0.9, 0.95, 0.99}) {
        std::optional<double> quantile = current == family.current.end()
                                             ? std::nullopt
                                             : HistogramQuantile(current->second.histogram, q);
        absl::StrAppend(out, family.name,
                        Labels(family.label_key, value, absl::StrCat("quantile=\"", q, "\"")), " ",
                        quantile.has_value() ? Number(*quantile * factor) : "NaN", "\n");
      }
    }
    absl::StrAppend(out, family.name, "_sum", Labels(family.label_key, value, ""), " ",
                    Number(cell.sum * factor), "\n");
    absl::StrAppend(out, family.name, "_count", Labels(family.label_key, value, ""), " ",
                    cell.samples, "\n");
  }
}

}  // namespace

PrometheusName PrometheusNameOf(const KpiDefinition& kpi) {
  PrometheusName result{absl::StrCat("stadt_kpi_", kpi.id), 1};
  for (const BaseUnit& unit : kBaseUnits) {
    if (unit.unit != kpi.unit) continue;
    result.factor = unit.factor;
    const std::string unit_suffix = absl::StrCat("_", ToAbsl(unit.unit));
    if (result.name.ends_with(unit_suffix)) {
      result.name.resize(result.name.size() - unit_suffix.size());
    }
    if (!unit.base.empty() && !result.name.ends_with(absl::StrCat("_", ToAbsl(unit.base)))) {
      absl::StrAppend(&result.name, "_", ToAbsl(unit.base));
    }
  }
  return result;
}

std::string RenderPrometheus(const std::vector<PrometheusKpi>& kpis) {
  std::string out;
  for (const PrometheusKpi& entry : kpis) {
    const KpiDefinition& kpi = *entry.kpi;
    const PrometheusName name = PrometheusNameOf(kpi);
    Family total{name.name, "", {{"", entry.all_time->total}}, {{"", entry.current->total}}};
    RenderFamily(kpi, name.factor, total, &out);
    for (const std::string& key : kpi.dimension_keys) {
      Family family{absl::StrCat(name.name, "_by_", key), key, {}, {}};
      const std::string prefix = key + "=";
      for (const auto& [label, cell] : entry.all_time->by_dimension) {
        if (label.starts_with(prefix)) family.series.push_back({label.substr(prefix.size()), cell});
      }
      for (const auto& [label, cell] : entry.current->by_dimension) {
        if (label.starts_with(prefix)) family.current[label.substr(prefix.size())] = cell;
      }
      if (!family.series.empty()) RenderFamily(kpi, name.factor, family, &out);
    }
  }
  return out;
}

}  // namespace stadt::monitoring
