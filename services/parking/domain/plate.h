#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stadt::parking {

// A number plate: the country that issued it and its registration as written.
struct Plate {
  // ISO 3166-1 alpha-2, e.g. "DE", "FR", "AT", "CH".
  std::string country;
  // The registration in its written form, e.g. "S-AB 1234", "TÜ-X 5E",
  // "AB-123-CD": what a session or permit shows.
  std::string registration;
  // The match form, unique per car, e.g. "DE:S-AB1234", "FR:AB123CD": what
  // sessions, permits and the officer's check are keyed by.
  std::string key;

  friend bool operator==(const Plate&, const Plate&) = default;
};

// The country as ISO 3166-1 alpha-2. Accepts every officially assigned
// alpha-2 code and the distinguishing signs on plates and their oval stickers
// that are not alpha-2 codes themselves ("D" -> "DE", "A" -> "AT", "F" ->
// "FR", "CH" stays "CH", "UK" -> "GB", ...), in either case. Empty means "DE".
// INVALID_ARGUMENT for anything else.
absl::StatusOr<std::string> ParsePlateCountry(std::string_view country);

// Parses a plate typed by a person (UTF-8). INVALID_ARGUMENT with the reason
// for a plate that cannot be one of the country's.
//
// German plates (country "D"/"DE" or empty) keep their three parts, because
// the place of the separator between district and letters tells cars apart:
// "S-AB 1234" (Stuttgart, AB) and "SA-B 1234" are different cars. Accepted:
// a district of 1-3 letters (Ä, Ö and Ü allowed, also lower case or with a
// combining diaeresis), a hyphen or space(s) as separator, 1-2 letters, an
// optional space or hyphen, 1-4 digits not starting with 0, an optional "E"
// (electric) or "H" (historic) suffix. "S-AB 1234", "S AB 1234", "s-ab1234"
// and "S-AB-1234" are one plate, written "S-AB 1234", key "DE:S-AB1234".
// Without a separator between district and letters ("SAB 1234") the plate is
// ambiguous and refused.
//
// Other countries: 2-12 letters (Latin, with the common diacritics) and
// digits, separated by single spaces, hyphens or dots. Matched within the
// country in upper case with the separators dropped: "ab-123-cd" (F) has the
// key "FR:AB123CD" and is written "AB-123-CD".
absl::StatusOr<Plate> ParsePlate(std::string_view country, std::string_view registration);

}  // namespace stadt::parking
