#include "tests/harness/smtp_sink.h"

#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace stadt::testing {
namespace {

std::string DecodeWords(const std::string& value) {
  if (!absl::StrContains(value, "=?UTF-8?B?")) return value;
  std::string out;
  size_t i = 0;
  while ((i = value.find("=?UTF-8?B?", i)) != std::string::npos) {
    const size_t end = value.find("?=", i + 10);
    if (end == std::string::npos) break;
    std::string decoded;
    if (absl::Base64Unescape(value.substr(i + 10, end - i - 10), &decoded)) out += decoded;
    i = end + 2;
  }
  return out;
}

}  // namespace

ReceivedMail ParseMail(const std::string& raw) {
  ReceivedMail mail;
  mail.raw = raw;
  std::vector<std::string> lines = absl::StrSplit(raw, "\r\n");
  // Headers, with folded lines joined.
  size_t i = 0;
  std::string name;
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    const std::string& line = lines[i];
    if ((line[0] == ' ' || line[0] == '\t') && !name.empty()) {
      mail.headers[name] += line;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    name = line.substr(0, colon);
    if (mail.headers.contains(name)) {
      name.clear();
      continue;
    }
    mail.headers[name] = std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  for (auto& [key, value] : mail.headers) value = DecodeWords(value);
  mail.envelope_to = mail.headers["X-Envelope-To"];
  // Parts: a text/* Content-Type, its other headers, a blank line, then
  // base64 lines up to the next boundary.
  for (; i < lines.size(); ++i) {
    std::string* target = nullptr;
    if (absl::StartsWith(lines[i], "Content-Type: text/plain")) target = &mail.text;
    if (absl::StartsWith(lines[i], "Content-Type: text/html")) target = &mail.html;
    if (absl::StartsWith(lines[i], "Content-Type: text/calendar")) target = &mail.calendar;
    if (target == nullptr) continue;
    while (i < lines.size() && !lines[i].empty()) ++i;
    std::string encoded;
    for (++i; i < lines.size() && !absl::StartsWith(lines[i], "--"); ++i) encoded += lines[i];
    absl::Base64Unescape(encoded, target);
    --i;
  }
  return mail;
}

absl::StatusOr<std::unique_ptr<SmtpSink>> SmtpSink::Start(SmtpSinkOptions options) {
  std::unique_ptr<SmtpSink> sink(new SmtpSink());
  sink->options_ = std::move(options);
  std::string pattern = absl::StrCat(::testing::TempDir(), "stadt-smtp-XXXXXX");
  sink->dir_ = mkdtemp(pattern.data());
  for (int attempt = 0; attempt < 5; ++attempt) {
    sink->port_ = PickFreePort();
    if (sink->Launch().ok()) return sink;
    sink->process_.reset();
  }
  return absl::UnavailableError("the SMTP sink did not start (is python3-aiosmtpd installed?)");
}

SmtpSink::~SmtpSink() = default;

absl::Status SmtpSink::Launch() {
  std::vector<std::string> args = {absl::StrCat(STADT_SOURCE_DIR, "/deploy/local/smtp_sink.py"),
                                   "--port", absl::StrCat(port_), "--dir",
                                   absl::StrCat(dir_, "/mail")};
  if (!options_.tls_cert_file.empty()) {
    args.insert(args.end(),
                {"--tls-cert", options_.tls_cert_file, "--tls-key", options_.tls_key_file});
  }
  if (!options_.auth.empty()) args.insert(args.end(), {"--auth", options_.auth});
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      Subprocess::Start("/usr/bin/python3", args, {}, absl::StrCat(dir_, "/smtp.log"));
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  if (absl::Status status = WaitForTcpPort(port_, absl::Seconds(20)); !status.ok()) return status;
  if (!process_->Running()) return absl::UnavailableError("the SMTP sink exited");
  return absl::OkStatus();
}

void SmtpSink::Stop() {
  if (process_ != nullptr) {
    process_->Signal(SIGTERM);
    process_->Wait();
    process_.reset();
  }
}

absl::Status SmtpSink::Restart() {
  Stop();
  return Launch();
}

std::vector<ReceivedMail> SmtpSink::Mails() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/mail", error)) {
    const std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, ".eml")) names.push_back(entry.path().string());
  }
  std::sort(names.begin(), names.end());
  std::vector<ReceivedMail> mails;
  mails.reserve(names.size());
  for (const std::string& path : names) {
    std::ifstream in(path, std::ios::binary);
    mails.push_back(ParseMail(std::string(std::istreambuf_iterator<char>(in), {})));
  }
  return mails;
}

std::vector<ReceivedMail> SmtpSink::WaitForMails(size_t count, absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    size_t have = 0;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/mail", error)) {
      if (absl::EndsWith(entry.path().filename().string(), ".eml")) ++have;
    }
    if (have >= count) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return Mails();
}

}  // namespace stadt::testing
