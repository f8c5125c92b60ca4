#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stadt::parking {

// Normalises a German number plate to its comparison form: upper case, without
// the separators people type ("S-AB 1234", "s ab1234" and "S AB-1234" all
// become "SAB1234"). The grammar checked is the one of German plates: 1-3
// letters of the district, 1-2 letters, 1-4 digits (first digit not 0), an
// optional "E" (electric) or "H" (historic) suffix. Because the separators are
// dropped, "SA-B 12" and "S-AB 12" compare equal; officers check by the
// characters on the plate, and real plates are issued so that this never
// names two cars in one district.
absl::StatusOr<std::string> NormalizePlate(std::string_view input);

}  // namespace stadt::parking
