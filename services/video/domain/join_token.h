#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt::video {

// Where participants join: a self-hosted Jitsi Meet with JWT authentication
// (prosody's token auth with app_id and app_secret). Any platform that checks
// HS256 tokens with these claims can take its place.
struct JitsiSettings {
  std::string app_id;      // iss; Jitsi's JWT_APP_ID
  std::string app_secret;  // HS256 key; Jitsi's JWT_APP_SECRET
  std::string base_url;    // e.g. https://meet.stadt.example, no trailing '/'
  // Jitsi checks `aud` against its accepted audiences and `sub` against its
  // domain; both default to what a standard deployment expects.
  std::string audience = "jitsi";
  std::string domain;  // sub; the host of base_url when empty
};

// One participant's right to one room for a time.
struct JoinClaims {
  std::string room;
  std::string user_id;
  std::string user_name;  // optional display name
  bool moderator = false;
  absl::Time not_before;
  absl::Time expires;
};

// The compact JWS (header.payload.signature, base64url) for `claims`.
std::string SignJoinToken(const JitsiSettings& settings, const JoinClaims& claims);

// Checks a token as Jitsi would, for `room` at `now`: HS256 signature with the
// app secret, iss, aud, sub, room, nbf <= now < exp. PERMISSION_DENIED with the
// reason when it fails (altered, foreign, early, expired).
absl::StatusOr<JoinClaims> VerifyJoinToken(const JitsiSettings& settings, const std::string& token,
                                           const std::string& room, absl::Time now);

// The URL a browser opens: base URL, room, token.
std::string JoinUrl(const JitsiSettings& settings, const std::string& room,
                    const std::string& token);

// An unguessable room name: 128 bits from the CSPRNG, lower-case hex (Jitsi
// folds room names to lower case).
std::string NewRoomName();

}  // namespace stadt::video
