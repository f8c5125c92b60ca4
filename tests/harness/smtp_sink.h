#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/harness/process.h"

namespace stadt::testing {

// A mail as the SMTP sink kept it, taken apart for assertions.
struct ReceivedMail {
  std::string raw;
  std::map<std::string, std::string> headers;  // first occurrence; RFC 2047 words decoded
  std::string envelope_to;                     // X-Envelope-To of the sink
  std::string text;                            // the decoded text/plain part
  std::string html;                            // the decoded text/html part
  std::string calendar;                        // the decoded text/calendar part, if any
};
ReceivedMail ParseMail(const std::string& raw);

struct SmtpSinkOptions {
  // Both set: STARTTLS required, with this certificate (PEM files).
  std::string tls_cert_file;
  std::string tls_key_file;
  // "user:password": AUTH required.
  std::string auth;
};

// deploy/local/smtp_sink.py (Debian's python3-aiosmtpd): a real SMTP server on
// a free port that keeps every mail as a file in a fresh directory.
// Recipients starting with "reject" get a 550, with "defer" a 451.
class SmtpSink {
 public:
  static absl::StatusOr<std::unique_ptr<SmtpSink>> Start(SmtpSinkOptions options = {});
  ~SmtpSink();

  int port() const { return port_; }
  // Every mail kept so far, in arrival order.
  std::vector<ReceivedMail> Mails() const;
  // Polls until there are at least `count` mails (or `timeout`), then
  // returns all of them.
  std::vector<ReceivedMail> WaitForMails(size_t count,
                                         absl::Duration timeout = absl::Seconds(30)) const;
  // Stops the server (the port refuses connections), and starts it again on
  // the same port; the mails kept so far stay.
  void Stop();
  absl::Status Restart();

 private:
  SmtpSink() = default;
  absl::Status Launch();

  SmtpSinkOptions options_;
  int port_ = 0;
  std::string dir_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace stadt::testing
