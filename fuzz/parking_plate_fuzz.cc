// Fuzzes the number plate normaliser, which sees every plate a client types.
// Property: a normalised plate normalises to itself.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/parking/domain/plate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::string> plate = stadt::parking::NormalizePlate(text);
  if (!plate.ok()) return 0;
  absl::StatusOr<std::string> again = stadt::parking::NormalizePlate(*plate);
  if (!again.ok() || *again != *plate) std::abort();
  return 0;
}
