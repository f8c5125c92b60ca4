#include "services/common/log.h"

#include <iostream>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/serialize.hpp"

namespace stadt::log {
namespace {

struct State {
  // Also serialises the writing of lines, so that they do not interleave.
  absl::Mutex mutex;
  std::string component ABSL_GUARDED_BY(mutex) = "stadt";
  Level min_level ABSL_GUARDED_BY(mutex) = Level::kInfo;
  std::ostream* sink ABSL_GUARDED_BY(mutex) ABSL_PT_GUARDED_BY(mutex) = nullptr;
};

State& GetState() {
  static State* state = new State();  // Never destroyed: logging may happen during exit.
  return *state;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void Configure(std::string component, Level min_level) {
  State& state = GetState();
  absl::MutexLock lock(&state.mutex);
  state.component = std::move(component);
  state.min_level = min_level;
}

void SetSinkForTesting(std::ostream* sink) {
  State& state = GetState();
  absl::MutexLock lock(&state.mutex);
  state.sink = sink;
}

bool ParseLevel(std::string_view text, Level* level) {
  for (Level candidate : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (text == LevelName(candidate)) {
      *level = candidate;
      return true;
    }
  }
  return false;
}

void Write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  State& state = GetState();
  absl::MutexLock lock(&state.mutex);
  if (level < state.min_level) return;
  boost::json::object line;
  line["ts"] = absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["component"] = state.component;
  line["event"] = boost::json::string_view(event.data(), event.size());
  for (const Field& field : fields) {
    line[boost::json::string_view(field.key.data(), field.key.size())] = field.value;
  }
  std::ostream& out = state.sink != nullptr ? *state.sink : std::cerr;
  out << boost::json::serialize(line) << '\n';
  out.flush();
}

}  // namespace stadt::log
