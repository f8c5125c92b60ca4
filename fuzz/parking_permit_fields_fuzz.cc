// Fuzzes what a citizen's permit application brings: the dates and the street
// name. Properties: a date that parses prints back as the same text; a street
// key holds only lower-case letters, digits and bytes beyond ASCII.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/parking/domain/permits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<absl::CivilDay> day = stadt::parking::ParseDate(text, "valid_from");
  if (day.ok() && stadt::parking::FormatDate(*day) != text) std::abort();
  for (char c : stadt::parking::StreetKey(text)) {
    const auto u = static_cast<unsigned char>(c);
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80;
    if (!allowed) std::abort();
  }
  return 0;
}
