// Fuzzes proof-of-work solutions (gateway/pow/proof_of_work.cc), the
// X-Pow-Solution header a client sends.
//
// Two kinds of input, so both halves of Verify see hostile bytes:
//  - anything not starting with '{' is the header value as is: size limit,
//    base64, the JSON parser, member types;
//  - a JSON object is a payload the harness base64-encodes first; if it has a
//    string "challenge" but no "signature", the harness signs the challenge
//    with its secret, since the salt and the number are only looked at once
//    the signature holds: salt form, expiry, the hash.
// An accepted solution must really hash to its challenge.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gateway/pow/proof_of_work.h"
#include "services/common/crypto/crypto.h"

namespace {

using stadt::gateway::pow::ProofOfWork;
using stadt::gateway::pow::Verdict;

// The gateway's default clock in the seeds: 2027-01-15 08:00 UTC.
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
constexpr char kSecret[] = "fuzz-proof-of-work-secret-of-32-bytes!";

std::string Hex(std::string_view bytes) {
  return absl::BytesToHexString(absl::string_view(bytes.data(), bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ProofOfWork* pow =
      ProofOfWork::Create({.secret = kSecret, .max_number = 1000}).value().release();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string header(input);
  if (input.starts_with('{')) {
    boost::system::error_code error;
    boost::json::value payload = boost::json::parse(input, error);
    if (error || !payload.is_object()) return 0;
    boost::json::object& object = payload.get_object();
    const boost::json::value* challenge = object.if_contains("challenge");
    if (challenge != nullptr && challenge->is_string() && !object.contains("signature")) {
      const boost::json::string& text = challenge->get_string();
      object["signature"] =
          Hex(stadt::crypto::HmacSha256(kSecret, std::string_view(text.data(), text.size())));
    }
    header = absl::Base64Escape(boost::json::serialize(payload));
  }
  const stadt::gateway::pow::Verification verification = pow->Verify(header, kNow);
  if (verification.verdict == Verdict::kInvalid) return 0;
  // Accepted or expired: the header must decode to a payload whose salt and
  // number hash to the challenge, as the client claimed.
  std::string decoded;
  if (!absl::Base64Unescape(header, &decoded)) std::abort();
  const boost::json::value payload = boost::json::parse(decoded);
  const boost::json::string& salt = payload.at("salt").as_string();
  const std::string hashed = Hex(stadt::crypto::Sha256(
      absl::StrCat(absl::string_view(salt.data(), salt.size()), payload.at("number").as_int64())));
  if (hashed != verification.challenge) std::abort();
  if ((verification.verdict == Verdict::kAccepted) != (kNow < verification.expires)) std::abort();
  return 0;
}
