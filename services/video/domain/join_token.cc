#include "services/video/domain/join_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/crypto/crypto.h"
#include "services/common/reason.h"
#include "services/common/strings.h"

namespace stadt::video {
namespace {

namespace json = boost::json;

constexpr size_t kRoomBytes = 16;
constexpr size_t kMaxTokenLength = 4096;
constexpr char kHeader[] = R"({"alg":"HS256","typ":"JWT"})";

std::string Domain(const JitsiSettings& settings) {
  if (!settings.domain.empty()) return settings.domain;
  std::string host = settings.base_url;
  if (const size_t scheme = host.find("://"); scheme != std::string::npos) {
    host = host.substr(scheme + 3);
  }
  return host.substr(0, host.find_first_of("/:"));
}

std::string Signature(const JitsiSettings& settings, const std::string& signing_input) {
  return crypto::Base64Url(crypto::HmacSha256(settings.app_secret, signing_input));
}

absl::Status Refused(std::string_view reason) {
  return WithReason(
      absl::PermissionDeniedError(absl::StrCat("join token refused: ", ToAbsl(reason))),
      "join_token_refused");
}

std::string StringClaim(const json::object& payload, std::string_view key) {
  const json::value* value = payload.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

int64_t IntClaim(const json::object& payload, std::string_view key) {
  const json::value* value = payload.if_contains(key);
  return value != nullptr && value->is_int64() ? value->get_int64() : 0;
}

// Reads the claims the service checks from a verified payload.
absl::StatusOr<JoinClaims> ClaimsFrom(const json::object& payload) {
  JoinClaims claims;
  claims.room = StringClaim(payload, "room");
  claims.not_before = absl::FromUnixSeconds(IntClaim(payload, "nbf"));
  claims.expires = absl::FromUnixSeconds(IntClaim(payload, "exp"));
  const json::value* moderator = payload.if_contains("moderator");
  claims.moderator = moderator != nullptr && moderator->is_bool() && moderator->get_bool();
  const json::value* context = payload.if_contains("context");
  if (context == nullptr || !context->is_object()) return Refused("no context.user");
  const json::value* user = context->get_object().if_contains("user");
  if (user == nullptr || !user->is_object()) return Refused("no context.user");
  claims.user_id = StringClaim(user->get_object(), "id");
  claims.user_name = StringClaim(user->get_object(), "name");
  return claims;
}

}  // namespace

std::string SignJoinToken(const JitsiSettings& settings, const JoinClaims& claims) {
  json::object user{{"id", claims.user_id}};
  if (!claims.user_name.empty()) user["name"] = claims.user_name;
  const json::object payload{{"iss", settings.app_id},
                             {"aud", settings.audience},
                             {"sub", Domain(settings)},
                             {"room", claims.room},
                             {"nbf", absl::ToUnixSeconds(claims.not_before)},
                             {"exp", absl::ToUnixSeconds(claims.expires)},
                             {"moderator", claims.moderator},
                             {"context", json::object{{"user", std::move(user)}}}};
  const std::string signing_input =
      absl::StrCat(crypto::Base64Url(kHeader), ".", crypto::Base64Url(json::serialize(payload)));
  return absl::StrCat(signing_input, ".", Signature(settings, signing_input));
}

absl::StatusOr<JoinClaims> VerifyJoinToken(const JitsiSettings& settings, const std::string& token,
                                           const std::string& room, absl::Time now) {
  if (token.empty() || token.size() > kMaxTokenLength) return Refused("malformed");
  const std::vector<std::string> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Refused("malformed");
  const std::string signing_input = absl::StrCat(parts[0], ".", parts[1]);
  if (!crypto::ConstantTimeEquals(Signature(settings, signing_input), parts[2])) {
    return Refused("bad signature");
  }
  std::string header_text;
  std::string payload_text;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_text) ||
      !absl::WebSafeBase64Unescape(parts[1], &payload_text)) {
    return Refused("malformed");
  }
  boost::system::error_code error;
  const json::value header = json::parse(header_text, error);
  if (error || !header.is_object() || StringClaim(header.get_object(), "alg") != "HS256") {
    return Refused("not HS256");
  }
  const json::value payload = json::parse(payload_text, error);
  if (error || !payload.is_object()) return Refused("malformed");
  const json::object& claims_json = payload.get_object();
  if (StringClaim(claims_json, "iss") != settings.app_id ||
      StringClaim(claims_json, "aud") != settings.audience ||
      StringClaim(claims_json, "sub") != Domain(settings)) {
    return Refused("issued for another platform");
  }
  absl::StatusOr<JoinClaims> claims = ClaimsFrom(claims_json);
  if (!claims.ok()) return claims.status();
  if (claims->room != room) return Refused("for another consultation");
  if (now < claims->not_before) return Refused("not valid yet");
  if (now >= claims->expires) return Refused("expired");
  return claims;
}

std::string JoinUrl(const JitsiSettings& settings, const std::string& room,
                    const std::string& token) {
  return absl::StrCat(settings.base_url, "/", room, "?jwt=", token);
}

std::string NewRoomName() {
  return absl::StrCat("stadt-", absl::BytesToHexString(crypto::RandomBytes(kRoomBytes)));
}

}  // namespace stadt::video
