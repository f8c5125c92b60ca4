#pragma once

#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include "boost/json/value.hpp"

namespace stadt::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// One structured field of a log line. Callers pass ids, counts, codes and
// durations; never names, e-mail addresses, plates or other personal data,
// and never raw request bodies.
struct Field {
  Field(std::string_view key, std::string_view text)
      : key(key), value(boost::json::string_view(text.data(), text.size())) {}
  Field(std::string_view key, const std::string& text) : Field(key, std::string_view(text)) {}
  Field(std::string_view key, const char* text) : Field(key, std::string_view(text)) {}
  Field(std::string_view key, bool flag) : key(key), value(flag) {}
  template <typename Number>
  requires(std::is_arithmetic_v<Number> && !std::is_same_v<Number, bool>)
      Field(std::string_view key, Number number)
      : key(key), value(number) {}

  std::string_view key;
  boost::json::value value;
};

// Process-wide settings; call once from main before any thread starts.
void Configure(std::string component, Level min_level);
// Redirects output (tests); nullptr restores stderr.
void SetSinkForTesting(std::ostream* sink);
bool ParseLevel(std::string_view text, Level* level);

// Writes one JSON object per line: {"ts":..., "level":..., "component":...,
// "event":..., <fields>}. Thread-safe; lines never interleave.
void Write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void Info(std::string_view event, std::initializer_list<Field> fields = {}) {
  Write(Level::kInfo, event, fields);
}
inline void Warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  Write(Level::kWarn, event, fields);
}
inline void Error(std::string_view event, std::initializer_list<Field> fields = {}) {
  Write(Level::kError, event, fields);
}

}  // namespace stadt::log
