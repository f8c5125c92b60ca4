#include "services/notifications/smtp/curl_smtp_mailer.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace stadt::notifications {
namespace {

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadChunk(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// libcurl's global state, set up once before the first handle.
void InitCurlOnce() {
  static const bool initialized = [] {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  }();
  (void)initialized;
}

bool IsAuthReply(long code) { return code == 530 || code == 534 || code == 535 || code == 538; }

}  // namespace

struct CurlSmtpMailer::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

CurlSmtpMailer::CurlSmtpMailer(SmtpOptions options)
    : options_(std::move(options)), handle_(std::make_unique<Handle>()) {
  InitCurlOnce();
}

CurlSmtpMailer::~CurlSmtpMailer() = default;

SendResult CurlSmtpMailer::Send(const std::string& envelope_from, const std::string& recipient,
                                const std::string& message) {
  if (handle_->curl == nullptr) {
    handle_->curl = curl_easy_init();
    if (handle_->curl == nullptr) {
      return {SendResult::Outcome::kTemporary, 0, "libcurl: no handle"};
    }
  }
  CURL* curl = handle_->curl;
  const bool implicit = options_.tls == SmtpOptions::Tls::kImplicit;
  const std::string url =
      absl::StrCat(implicit ? "smtps://" : "smtp://", options_.host, ":", options_.port);
  // Setting the same options again keeps the connection: libcurl reuses it
  // when the URL and the TLS settings match.
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   options_.tls == SmtpOptions::Tls::kNone ? static_cast<long>(CURLUSESSL_NONE)
                                                           : static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_certificate ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_certificate ? 2L : 0L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.send_timeout)));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const std::string from = absl::StrCat("<", envelope_from, ">");
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  const std::string to = absl::StrCat("<", recipient, ">");
  curl_slist* recipients = curl_slist_append(nullptr, to.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  Upload upload{message, 0};
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadChunk);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));

  const CURLcode code = curl_easy_perform(curl);
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, nullptr);
  curl_slist_free_all(recipients);
  if (code == CURLE_OK) return {SendResult::Outcome::kSent, static_cast<int>(reply), ""};

  std::string detail = absl::StrCat("smtp ", reply, ": ", curl_easy_strerror(code));
  // The next message starts on a fresh connection: after a failure the
  // server's state is unknown.
  curl_easy_cleanup(curl);
  handle_->curl = nullptr;
  // A 5xx refuses this message for good, unless it is about our own login
  // (that is configuration, not the message, and must not dead-letter mail).
  if (reply >= 500 && reply < 600 && !IsAuthReply(reply)) {
    return {SendResult::Outcome::kPermanent, static_cast<int>(reply), std::move(detail)};
  }
  return {SendResult::Outcome::kTemporary, static_cast<int>(reply), std::move(detail)};
}

}  // namespace stadt::notifications
