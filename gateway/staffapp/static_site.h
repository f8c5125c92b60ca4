#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stadt::gateway {

// One file of a static web app, read into memory at start.
struct StaticFile {
  std::string content_type;
  std::string body;
  // The same bytes gzip-compressed, from "<name>.gz" beside the file (the
  // build writes them); empty when there is none.
  std::string gzip_body;
};

// A built single-page web app (the staff app, web/staff/) served under one
// path prefix. Every file is read once at start, so a request can only ever
// get one of the files that were there (no path from a request reaches the
// file system) and a broken build stops the gateway at start, not a user.
class StaticSite {
 public:
  // Reads every regular file below `directory` (symbolic links and other
  // kinds are refused) and serves it at `prefix` + its relative path (a
  // "<name>.gz" beside "<name>" is its compressed form, not a file); the
  // directory's index.html also at `prefix` itself. `prefix` starts and ends
  // with '/', e.g. "/staff/". `issuer` is the identity provider the app signs
  // in with: its origin is the one other place the app may fetch() from, and
  // the app learns it from `prefix`config.json. INVALID_ARGUMENT naming the
  // file when the directory has no index.html, a file of an unknown type, or
  // more than `max_total_bytes`.
  static absl::StatusOr<std::unique_ptr<StaticSite>> Load(const std::string& directory,
                                                          std::string_view prefix,
                                                          std::string_view issuer,
                                                          size_t max_total_bytes = 32 << 20);

  // The file served at `path` (without query), or null.
  const StaticFile* Find(std::string_view path) const;

  // True for every path under the prefix, also "/staff" without the slash.
  bool Covers(std::string_view path) const;

  const std::string& prefix() const { return prefix_; }

  // The Content-Security-Policy of every file: as the dashboard's (scripts and
  // styles only from the gateway, no inline code, Trusted Types), plus fonts
  // and the design system's data: icons, and fetch() to the provider.
  const std::string& content_security_policy() const { return csp_; }

  size_t file_count() const { return files_.size(); }

 private:
  StaticSite() = default;

  std::string prefix_;
  std::string csp_;
  std::map<std::string, StaticFile, std::less<>> files_;
};

// Whether an Accept-Encoding header value accepts gzip ("gzip", "*", not
// with q=0).
bool AcceptsGzip(std::string_view accept_encoding);

// The content type a file goes out with, by its extension; empty when the
// extension is not one a web app needs.
std::string_view ContentTypeForFile(std::string_view file_name);

// "https://id.stadt.example" of "https://id.stadt.example/realms/x"; empty
// when `url` is not an absolute http(s) URL.
std::string OriginOf(std::string_view url);

}  // namespace stadt::gateway
