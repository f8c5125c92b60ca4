#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "services/notifications/domain/mailer.h"

namespace stadt::notifications {

struct SmtpOptions {
  std::string host = "127.0.0.1";
  int port = 25;
  // kStartTls: plain connection upgraded by STARTTLS, refused without it;
  // kImplicit: TLS from the first byte (smtps, usually port 465); kNone: no
  // TLS at all (a local test server only).
  enum class Tls { kNone, kStartTls, kImplicit };
  Tls tls = Tls::kStartTls;
  bool verify_certificate = true;  // peer certificate and host name
  std::string ca_file;             // empty: the system's CA store
  std::string username;            // empty: no AUTH
  std::string password;
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration send_timeout = absl::Seconds(60);  // one whole message
};

// Sends through libcurl's SMTP client. One easy handle is kept for the life
// of the mailer, so the connection (and its TLS session) is reused from one
// message to the next. Not thread-safe (see Mailer).
class CurlSmtpMailer final : public Mailer {
 public:
  explicit CurlSmtpMailer(SmtpOptions options);
  ~CurlSmtpMailer() override;
  CurlSmtpMailer(const CurlSmtpMailer&) = delete;
  CurlSmtpMailer& operator=(const CurlSmtpMailer&) = delete;

  SendResult Send(const std::string& envelope_from, const std::string& recipient,
                  const std::string& message) override;

 private:
  struct Handle;
  SmtpOptions options_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace stadt::notifications
