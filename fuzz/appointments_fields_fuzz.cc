// Fuzzes the appointments fields that clients send as free text and the
// service parses itself: page tokens and dates. Properties: a token decodes
// to an id that encodes to a token decoding to the same id, and a parsed
// date prints back as the text it came from.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/appointments/domain/office_catalog.h"
#include "services/common/booking/domain/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (absl::StatusOr<std::string> id = stadt::appointments::DecodePageToken(text); id.ok()) {
    absl::StatusOr<std::string> again =
        stadt::appointments::DecodePageToken(stadt::appointments::EncodePageToken(*id));
    if (!again.ok() || *again != *id) std::abort();
  }
  if (absl::StatusOr<absl::CivilDay> day = stadt::booking::ParseDate(text); day.ok()) {
    if (stadt::booking::FormatDate(*day) != text) std::abort();
  }
  return 0;
}
