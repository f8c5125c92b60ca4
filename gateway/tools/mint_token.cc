// stadt-mint-token: mints JWTs for the local stack, and writes the matching key
// file, so developers need no identity provider. Never point it at production keys.
//
//   stadt-mint-token --key priv.pem --sub alice [--alg RS256|ES256] [--kid dev-1]
//                    [--roles a,b] [--scope "x y"] [--iss ...] [--aud ...] [--ttl 3600]
//   stadt-mint-token --emit-keyfile pub.pem [--kid dev-1] [--alg RS256|ES256]

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/auth/jwt.h"

namespace stadt::gateway::auth {
namespace {

constexpr int kExitUsage = 2;
constexpr char kUsage[] =
    "usage: stadt-mint-token --key PRIVATE_PEM --sub SUBJECT [--alg RS256|ES256] [--kid ID]\n"
    "                        [--roles a,b] [--scope \"x y\"] [--iss ISSUER] [--aud AUDIENCE]\n"
    "                        [--ttl SECONDS]\n"
    "       stadt-mint-token --emit-keyfile PUBLIC_PEM [--kid ID] [--alg RS256|ES256]\n";
constexpr absl::string_view kKnownFlags[] = {"key",   "alg", "kid", "sub", "roles",
                                             "scope", "iss", "aud", "ttl", "emit-keyfile"};

using Flags = std::map<std::string, std::string>;

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; i += 2) {
    const absl::string_view arg = argv[i];
    absl::string_view name = arg;
    if (!absl::ConsumePrefix(&name, "--") ||
        std::find(std::begin(kKnownFlags), std::end(kKnownFlags), name) == std::end(kKnownFlags)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown argument ", arg));
    }
    if (i + 1 == argc) return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
    if (!flags.emplace(std::string(name), argv[i + 1]).second) {
      return absl::InvalidArgumentError(absl::StrCat(arg, " given twice"));
    }
  }
  return flags;
}

std::string FlagOr(const Flags& flags, const std::string& name, const char* fallback) {
  const auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  return text;
}

absl::StatusOr<std::string> EmitKeyFile(const Flags& flags) {
  absl::StatusOr<std::string> pem = ReadFile(flags.find("emit-keyfile")->second);
  if (!pem.ok()) return pem.status();
  const std::vector<PublicKeySpec> keys = {
      {FlagOr(flags, "kid", "dev-1"), FlagOr(flags, "alg", "RS256"), *std::move(pem)}};
  // Build a verifier exactly as the gateway will, so a weak or mismatched key
  // fails here instead of at gateway start-up.
  absl::Status usable =
      JwtVerifier::Create(keys, {.issuer = "check", .audience = "check"}).status();
  if (!usable.ok()) return usable;
  return FormatKeyFile(keys);
}

absl::StatusOr<boost::json::object> BuildClaims(const Flags& flags, absl::Time now) {
  const std::string subject = FlagOr(flags, "sub", "");
  if (subject.empty()) return absl::InvalidArgumentError("--sub is required");
  int64_t ttl_seconds = 0;
  if (!absl::SimpleAtoi(FlagOr(flags, "ttl", "3600"), &ttl_seconds) || ttl_seconds <= 0) {
    return absl::InvalidArgumentError("--ttl must be a positive number of seconds");
  }
  boost::json::object claims = {{"iss", FlagOr(flags, "iss", "http://localhost/stadt-dev")},
                                {"aud", FlagOr(flags, "aud", "stadtportal")},
                                {"sub", subject},
                                {"iat", absl::ToUnixSeconds(now)},
                                {"exp", absl::ToUnixSeconds(now + absl::Seconds(ttl_seconds))}};
  if (const auto roles = flags.find("roles"); roles != flags.end()) {
    boost::json::array& list = claims["roles"].emplace_array();
    for (const std::string& role :
         std::vector<std::string>(absl::StrSplit(roles->second, ',', absl::SkipEmpty()))) {
      list.emplace_back(role);
    }
  }
  if (const auto scope = flags.find("scope"); scope != flags.end()) claims["scope"] = scope->second;
  return claims;
}

absl::StatusOr<std::string> MintToken(const Flags& flags) {
  const auto key_path = flags.find("key");
  if (key_path == flags.end()) return absl::InvalidArgumentError("--key is required");
  absl::StatusOr<boost::json::object> claims = BuildClaims(flags, absl::Now());
  if (!claims.ok()) return claims.status();
  absl::StatusOr<std::string> pem = ReadFile(key_path->second);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<std::unique_ptr<JwtSigner>> signer =
      JwtSigner::Create(*pem, FlagOr(flags, "alg", "RS256"), FlagOr(flags, "kid", "dev-1"));
  if (!signer.ok()) return signer.status();
  return (*signer)->Sign(*claims);
}

absl::StatusOr<std::string> Execute(int argc, char** argv) {
  absl::StatusOr<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) return flags.status();
  return flags->contains("emit-keyfile") ? EmitKeyFile(*flags) : MintToken(*flags);
}

int Run(int argc, char** argv) {
  const absl::StatusOr<std::string> output = Execute(argc, argv);
  if (!output.ok()) {
    std::cerr << "stadt-mint-token: " << output.status().message() << "\n" << kUsage;
    return kExitUsage;
  }
  std::cout << *output << "\n";
  return 0;
}

}  // namespace
}  // namespace stadt::gateway::auth

int main(int argc, char** argv) { return stadt::gateway::auth::Run(argc, argv); }
