#include "gateway/core/request_facts.h"

#include <algorithm>
#include <random>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace stadt::gateway {
namespace {

namespace http = boost::beast::http;

constexpr size_t kMaxRequestIdLength = 128;

bool IsTokenChar(char c) { return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-'; }

}  // namespace

std::string LanguageOf(const HttpRequest& request) {
  auto header = request.find(http::field::accept_language);
  return PreferredLanguage(header == request.end()
                               ? std::string_view()
                               : std::string_view(header->value().data(), header->value().size()));
}

std::string ClientAddressFor(const HttpRequest& request, const ClientInfo& client,
                             int trusted_proxy_hops) {
  std::string peer = client.peer_address.empty() ? "unknown" : client.peer_address;
  if (trusted_proxy_hops <= 0) return peer;
  // Every proxy appends to the header; all X-Forwarded-For headers form one list.
  std::vector<std::string> entries;
  auto [begin, end] = request.equal_range("x-forwarded-for");
  for (auto it = begin; it != end; ++it) {
    for (absl::string_view entry :
         absl::StrSplit(absl::string_view(it->value().data(), it->value().size()), ',')) {
      entries.emplace_back(absl::StripAsciiWhitespace(entry));
    }
  }
  if (entries.size() < static_cast<size_t>(trusted_proxy_hops)) return peer;
  const std::string& entry = entries[entries.size() - trusted_proxy_hops];
  const bool plausible =
      !entry.empty() && entry.size() <= 64 && std::all_of(entry.begin(), entry.end(), [](char c) {
        return absl::ascii_isxdigit(c) || c == '.' || c == ':';
      });
  return plausible ? entry : peer;
}

std::string PreferredLanguage(std::string_view accept_language) {
  std::string best = "de";
  double best_quality = 0;
  for (absl::string_view entry :
       absl::StrSplit(absl::string_view(accept_language.data(), accept_language.size()), ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(entry, ';');
    const std::string tag = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
    const std::string primary = tag.substr(0, tag.find('-'));
    if (primary != "de" && primary != "en") continue;
    double quality = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&parameter, "q=") &&
          (!absl::SimpleAtod(parameter, &quality) || quality < 0 || quality > 1)) {
        quality = 0;  // malformed: ignore this entry
      }
    }
    if (quality > best_quality) {
      best = primary;
      best_quality = quality;
    }
  }
  return best;
}

std::string RequestIdFor(const HttpRequest& request) {
  auto header = request.find("x-request-id");
  if (header != request.end()) {
    std::string_view value(header->value().data(), header->value().size());
    if (!value.empty() && value.size() <= kMaxRequestIdLength &&
        std::all_of(value.begin(), value.end(), IsTokenChar)) {
      return std::string(value);
    }
  }
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrFormat("%016x%016x", random(), random());
}

}  // namespace stadt::gateway
