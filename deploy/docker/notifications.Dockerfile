# The notifications service (stadt-notifications). Build from the repository root:
#   docker build -f deploy/docker/notifications.Dockerfile -t REGISTRY/stadt-notifications:VERSION .
# See deploy/README.md for pushing and for the tag the manifests expect.
# Made from video.Dockerfile; differs in the target, libcurl and the mail templates.
# The keys (APPOINTMENTS_SECRET_KEY, the SMTP login) are never in the image:
# Kubernetes passes them from the Secrets stadt-appointments-keys and
# stadt-notifications-smtp.

# ---- build: the same Debian 12 toolchain and -dev packages as deploy/setup.sh
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      libhiredis-dev libssl-dev libhowardhinnant-date-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY proto proto
COPY services services
COPY gateway gateway
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTADT_BUILD_TESTS=OFF \
 && cmake --build /build --target stadt-notifications \
 && strip --strip-debug -o /stadt-notifications /build/services/notifications/stadt-notifications

# ---- runtime: slim Debian 12 with only the shared libraries the binary links
# (ldd on the built binary, mapped to packages with dpkg -S; libcurl4 brings the
# second group, which apt would install anyway, listed so the check sees them). tzdata: the mails give
# local times (NOTIFICATIONS_TIME_ZONE, Europe/Berlin). ca-certificates: the mail
# server's certificate is verified against the system's CA store.
FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libre2-9 libc-ares2 zlib1g \
      libssl3 libboost-json1.81.0 libhiredis0.14 tzdata ca-certificates \
      libcurl4 libbrotli1 libcom-err2 libffi8 libgmp10 libgnutls30 libgssapi-krb5-2 \
      libhogweed6 libidn2-0 libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0 \
      libldap-2.5-0 libnettle8 libnghttp2-14 libp11-kit0 libpsl5 librtmp1 libsasl2-2 \
      libssh2-1 libtasn1-6 libunistring2 libzstd1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /stadt-notifications /usr/local/bin/stadt-notifications
# Fail the image build, not the rollout, when a runtime library is missing.
RUN if ldd /usr/local/bin/stadt-notifications | grep 'not found'; then exit 1; fi
COPY services/notifications/templates /usr/share/stadt/notifications/templates
# A numeric user so that Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
ENV NOTIFICATIONS_GRPC_ADDRESS=0.0.0.0:50056 \
    NOTIFICATIONS_TEMPLATES_DIR=/usr/share/stadt/notifications/templates
EXPOSE 50056
ENTRYPOINT ["/usr/local/bin/stadt-notifications"]
