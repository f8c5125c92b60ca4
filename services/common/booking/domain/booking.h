#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt::booking {

struct Contact {
  // A constructor rather than an aggregate, so that {name, email, phone}
  // stays complete without the language.
  Contact(std::string name = "", std::string email = "", std::string phone = "",
          std::string language = "")
      : name(std::move(name)),
        email(std::move(email)),
        phone(std::move(phone)),
        language(std::move(language)) {}

  std::string name;
  std::string email;
  std::string phone;
  // The language the citizen used ("de" or "en", from the gateway's
  // Accept-Language); the notifications service mails in it. Empty: German.
  std::string language;
};

// A slot taken for a few minutes while the citizen enters their details.
struct HoldRecord {
  std::string hold_id;
  std::string client;       // token subject of the citizen holding it
  std::string resource_id;  // what is booked: an office's counters, a caseworker
  std::string day;          // YYYY-MM-DD, local
  int start_bucket = 0;
  int buckets = 0;
  std::vector<std::string> service_ids;
  absl::Time start;
  absl::Time end;
  absl::Time expires_at;
  // Set once the hold became a booking (kept briefly so a retried confirm
  // returns the same booking).
  std::string booking_code;
  // While the citizen confirms by e-mail: the hash of the link's token and
  // what the booking will be made with (contact sealed to the hold id).
  std::string email_token_hash;
  std::string pending_contact;
  std::string pending_attributes;

  bool awaiting_email() const { return !email_token_hash.empty(); }
};

// What a hold keeps while the citizen confirms by e-mail, and the sealed
// link token the mail carries (the outbox holds no clear secret).
struct PendingEmail {
  std::string token_hash;
  std::string sealed_contact;
  std::string attributes;
  std::string sealed_link_token;
};

enum class BookingStatus { kConfirmed, kCancelled };

struct BookingRecord {
  std::string code;
  std::string token_nonce;  // with the server key, re-derives the manage token
  std::string token_hash;   // SHA-256 of the manage token, base64url
  std::string resource_id;
  std::string day;
  int start_bucket = 0;
  int buckets = 0;
  std::vector<std::string> service_ids;
  absl::Time start;
  absl::Time end;
  BookingStatus status = BookingStatus::kConfirmed;
  std::string sealed_contact;  // AES-GCM, bound to the booking code
  // Who the booking counts against in the fair-access limits: HMACs of the
  // citizen's identity (token subject), normalised e-mail and phone,
  // comma-separated (earlier bookings: the e-mail's alone).
  std::string person_key;
  std::string client;
  // When the reminder is due; none if this is already past when booking.
  absl::Time remind_at = absl::InfinitePast();
  // What the service using the core keeps with the booking (e.g. a video
  // room); opaque here, stored and returned as it is.
  std::string attributes;
  // Where the visit stands at the counter: "" (not arrived), "waiting",
  // "called", "completed" or "no_show". Written by the counter, read here.
  std::string visit;
  // The staff member (token subject) who booked it for a caller; empty when
  // the citizen booked.
  std::string booked_by;
};

// Lower-cases, drops "+tags" and, where the provider ignores them, dots, so
// that aliases of one mailbox count as one person. INVALID_ARGUMENT if the
// address is not plausible.
absl::StatusOr<std::string> NormalizeEmail(const std::string& email);
// "+49 711 123-456", "0711 123456", "0049711123456" -> "+49711123456": digits
// with the country code (numbers without one are German). INVALID_ARGUMENT
// unless it has 6 to 15 digits.
absl::StatusOr<std::string> NormalizePhone(const std::string& phone);
// A name (valid UTF-8 without control characters, as it ends up in mail
// headers; at most 200 bytes) and an e-mail address or a phone number (or
// both), each plausible.
absl::Status ValidateContact(const Contact& contact);
// Whether `text` is well-formed UTF-8 without control characters.
bool IsPrintableUtf8(std::string_view text);

// "K7M-4XT-P2A": 9 characters from the 23 symbols "23456789ACEFHJKMNPRTWXY"
// (no 0/O/D/Q, 1/I/L, B, G, S, Z, U/V: nothing that reads as another symbol;
// about 40.7 bits).
std::string NewBookingCode();
// Codes as stored: three groups of three upper-case symbols of the wider
// alphabet of earlier codes ("23456789ABCDEFGHJKLMNPQRSTUVWXYZ"), so that
// old codes stay valid.
bool IsWellFormedBookingCode(const std::string& code);
// What a citizen typed, as stored codes to try in order: lower case, spaces
// and missing or extra dashes are accepted; the code as typed comes first,
// then (if different) the code with look-alikes read as the symbols new
// codes use (B->8, G->6, S->5, Z->2). Empty if it cannot be a code.
std::vector<std::string> BookingCodeCandidates(std::string_view typed);
// Whether the visit has begun or ended at the counter: then the booking can
// no longer be cancelled or moved. Returns the refusal, or OK.
absl::Status CheckVisitOpen(const std::string& visit);

struct IcsEvent {
  std::string uid;
  std::string summary;
  std::string location;
  std::string description;
  absl::Time start;
  absl::Time end;
  absl::Time stamp;
  bool cancelled = false;
  std::string product = "Appointments";  // the PRODID's product name
  // iTIP (RFC 5546) for a mailed invitation: METHOD:REQUEST (or CANCEL when
  // `cancelled`) with SEQUENCE, ORGANIZER and ATTENDEE. Off: a plain file.
  bool itip = false;
  int sequence = 0;       // raised by every change of the same UID
  std::string organizer;  // mailto address, with itip
  std::string attendee;   // mailto address, with itip
};
// RFC 5545 text (CRLF line ends, escaped text values, UTC times).
std::string MakeIcs(const IcsEvent& event);

}  // namespace stadt::booking
