#include "gateway/staffapp/static_site.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "boost/url/parse.hpp"

namespace stadt::gateway {
namespace {

namespace fs = std::filesystem;

struct TypeByExtension {
  std::string_view extension;
  std::string_view content_type;
};

constexpr TypeByExtension kTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

absl::StatusOr<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", path.string()));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string ConfigJson(std::string_view issuer) {
  boost::json::object config;
  config["issuer"] = issuer;
  return boost::json::serialize(config);
}

std::string PolicyFor(std::string_view issuer) {
  const std::string provider = OriginOf(issuer);
  return absl::StrCat(
      "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; connect-src "
      "'self'",
      provider.empty() ? "" : " ", provider,
      "; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
      "require-trusted-types-for 'script'");
}

}  // namespace

std::string_view ContentTypeForFile(std::string_view file_name) {
  for (const TypeByExtension& type : kTypes) {
    if (file_name.ends_with(type.extension)) return type.content_type;
  }
  return "";
}

std::string OriginOf(std::string_view url) {
  boost::system::result<boost::urls::url_view> parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority()) return "";
  if (parsed->scheme() != "https" && parsed->scheme() != "http") return "";
  return absl::StrCat(std::string(parsed->scheme()), "://", std::string(parsed->encoded_host()),
                      parsed->has_port() ? ":" : "", std::string(parsed->port()));
}

absl::StatusOr<std::unique_ptr<StaticSite>> StaticSite::Load(const std::string& directory,
                                                             std::string_view prefix,
                                                             std::string_view issuer,
                                                             size_t max_total_bytes) {
  std::unique_ptr<StaticSite> site(new StaticSite());
  site->prefix_ = std::string(prefix);
  site->csp_ = PolicyFor(issuer);
  std::error_code error;
  fs::recursive_directory_iterator it(directory, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read the directory ", directory));
  }
  size_t total = 0;
  std::map<std::string, std::string> compressed;  // relative name without .gz -> bytes
  for (const fs::directory_entry& entry : it) {
    if (entry.is_directory()) continue;
    std::string relative = fs::relative(entry.path(), directory).generic_string();
    if (entry.is_symlink() || !entry.is_regular_file()) {
      return absl::InvalidArgumentError(absl::StrCat(relative, " is not a regular file"));
    }
    if (relative.ends_with(".gz")) {
      absl::StatusOr<std::string> body = ReadWholeFile(entry.path());
      if (!body.ok()) return body.status();
      total += body->size();
      relative.resize(relative.size() - 3);
      compressed[relative] = *std::move(body);
      continue;
    }
    const std::string_view type = ContentTypeForFile(relative);
    if (type.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(relative, ": no content type for it"));
    }
    absl::StatusOr<std::string> body = ReadWholeFile(entry.path());
    if (!body.ok()) return body.status();
    total += body->size();
    if (total > max_total_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(directory, " holds more than ", max_total_bytes, " bytes"));
    }
    site->files_[site->prefix_ + relative] = {std::string(type), *std::move(body), ""};
  }
  if (total > max_total_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(directory, " holds more than ", max_total_bytes, " bytes"));
  }
  for (auto& [relative, bytes] : compressed) {
    auto file = site->files_.find(site->prefix_ + relative);
    if (file == site->files_.end()) {
      return absl::InvalidArgumentError(absl::StrCat(relative, ".gz: no ", relative, " beside it"));
    }
    file->second.gzip_body = std::move(bytes);
  }
  auto index = site->files_.find(site->prefix_ + "index.html");
  if (index == site->files_.end()) {
    return absl::InvalidArgumentError(absl::StrCat(directory, " has no index.html"));
  }
  site->files_[site->prefix_] = index->second;
  site->files_[site->prefix_ + "config.json"] = {"application/json", ConfigJson(issuer), ""};
  return site;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  // This Abseil has its own string_view type.
  const absl::string_view header(accept_encoding.data(), accept_encoding.size());
  for (absl::string_view item : absl::StrSplit(header, ',')) {
    item = absl::StripAsciiWhitespace(item);
    const size_t semicolon = item.find(';');
    const absl::string_view coding = absl::StripAsciiWhitespace(item.substr(0, semicolon));
    if (!absl::EqualsIgnoreCase(coding, "gzip") && coding != "*") continue;
    if (semicolon == absl::string_view::npos) return true;
    // "q=0", "q=0.0", "q=0.000" refuse it; any other weight accepts it.
    absl::string_view weight = absl::StripAsciiWhitespace(item.substr(semicolon + 1));
    if (!absl::ConsumePrefix(&weight, "q=")) return true;
    if (weight.find_first_not_of("0.") != absl::string_view::npos) return true;
  }
  return false;
}

const StaticFile* StaticSite::Find(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

bool StaticSite::Covers(std::string_view path) const {
  return path.starts_with(prefix_) ||
         path == std::string_view(prefix_).substr(0, prefix_.size() - 1);
}

}  // namespace stadt::gateway
