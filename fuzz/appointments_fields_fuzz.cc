// Fuzzes the appointments fields that clients send as free text and the
// service parses itself: page tokens, dates, typed booking codes, phone
// numbers. Properties: a token decodes to an id that encodes to a token
// decoding to the same id; a parsed date prints back as the text it came
// from; every code a typed code stands for is a well-formed code that stands
// for itself first; a normalised phone number normalises to itself.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/appointments/domain/office_catalog.h"
#include "services/common/booking/domain/booking.h"
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
  for (const std::string& code : stadt::booking::BookingCodeCandidates(text)) {
    if (!stadt::booking::IsWellFormedBookingCode(code) ||
        stadt::booking::BookingCodeCandidates(code).front() != code) {
      std::abort();
    }
  }
  if (absl::StatusOr<std::string> phone = stadt::booking::NormalizePhone(text); phone.ok()) {
    absl::StatusOr<std::string> again = stadt::booking::NormalizePhone(*phone);
    if (!again.ok() || *again != *phone) std::abort();
  }
  return 0;
}
