#pragma once

#include "services/common/grpc_reactor.h"
#include "services/notifications/rpc/notifications_grpc_service.h"
#include "stadt/notifications/v1/notifications.grpc.pb.h"

namespace stadt::notifications {

// What the gRPC server serves: the callback (reactor) API in front of the
// adapter (services/common/grpc_reactor.h). Every call reads or writes Redis, so
// each runs on `pool` (blocking Redis I/O stays off gRPC's threads).
// ExportPersonalData stays UNIMPLEMENTED on purpose: the queued mails are the
// services' events, and they export those (the privacy service asks only for
// the erasure here).
class NotificationsReactorService final : public v1::Notifications::CallbackService {
 public:
  NotificationsReactorService(NotificationsGrpcService& handlers, BlockingCallPool& pool)
      : handlers_(handlers), pool_(pool) {}

  grpc::ServerUnaryReactor* ListDeadLetters(grpc::CallbackServerContext* context,
                                            const v1::ListDeadLettersRequest* request,
                                            v1::ListDeadLettersResponse* response) override;
  grpc::ServerUnaryReactor* ReplayDeadLetter(grpc::CallbackServerContext* context,
                                             const v1::ReplayDeadLetterRequest* request,
                                             v1::DeadLetter* response) override;
  grpc::ServerUnaryReactor* ErasePersonalData(grpc::CallbackServerContext* context,
                                              const type::v1::PersonalDataRequest* request,
                                              type::v1::ErasureReport* response) override;

 private:
  NotificationsGrpcService& handlers_;
  BlockingCallPool& pool_;
};

}  // namespace stadt::notifications
