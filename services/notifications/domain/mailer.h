#pragma once

#include <string>

namespace stadt::notifications {

// The outcome of handing one message to the mail server.
struct SendResult {
  enum class Outcome {
    kSent,       // the server took the message (250 after DATA)
    kTemporary,  // try again later: a 4xx reply, no connection, a timeout
    kPermanent,  // the server refused this message for good: a 5xx reply
  };
  Outcome outcome = Outcome::kSent;
  int reply_code = 0;  // the server's last reply code, 0 if there was none
  // What went wrong, for logs and the dead-letter stream: the reply code and
  // the transport's error text, never an address or message content.
  std::string detail;
};

// Hands finished RFC 5322 messages to a mail server. Not thread-safe: one
// sender per dispatching thread (it may keep a connection open between calls).
class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual SendResult Send(const std::string& envelope_from, const std::string& recipient,
                          const std::string& message) = 0;
};

}  // namespace stadt::notifications
