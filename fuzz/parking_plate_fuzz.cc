// Fuzzes the number plate parser, which sees every plate and country a client
// types. Input: "<country>\n<plate>", or just a plate (German).
// Properties: what a plate shows parses to the same plate again, and its key
// starts with its country.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/parking/domain/plate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t newline = text.find('\n');
  const std::string_view country = newline == std::string_view::npos ? "" : text.substr(0, newline);
  const std::string_view typed =
      newline == std::string_view::npos ? text : text.substr(newline + 1);
  absl::StatusOr<stadt::parking::Plate> plate = stadt::parking::ParsePlate(country, typed);
  if (!plate.ok()) return 0;
  if (plate->country.size() != 2 || !plate->key.starts_with(plate->country + ":")) std::abort();
  absl::StatusOr<stadt::parking::Plate> again =
      stadt::parking::ParsePlate(plate->country, plate->registration);
  if (!again.ok() || *again != *plate) std::abort();
  return 0;
}
