# charte in a container: the console, the API and the daily retention sweep, as one non-root
# process on PostgreSQL (docs/deploy.md). The policy, the keys and the database come from outside:
# the image holds code only.

# Build: a wheel of charte and every dependency, then nothing of the build tools is kept.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
# charte's own package, with the PostgreSQL driver and S3 for recordings; its dependencies'
# versions are bounded in pyproject.toml (DL3013 asks pins of packages named here: none is).
# hadolint ignore=DL3013
RUN pip install --no-cache-dir --prefix=/install ".[postgres,s3]"

FROM python:3.11-slim-bookworm
# An account of its own (numeric, so that an orchestrator can check it is not root), no shell.
RUN groupadd --system --gid 10001 charte \
 && useradd --system --uid 10001 --gid charte --home-dir /var/lib/charte --create-home \
      --shell /usr/sbin/nologin charte \
 && install -d -o charte -g charte -m 0700 /var/lib/charte-checkpoints /var/lib/charte-ledger /var/lib/charte-keyring
COPY --from=build /install /usr/local
# Production fails closed (docs/settings.md): no key is ever made here, every key is given in its
# variable; the checkpoints, the ledger and the keyring are volumes of their own.
ENV CHARTE_ENV=production \
    CHARTE_HOME=/var/lib/charte \
    CHARTE_POLICY=/etc/charte/policy.yaml \
    CHARTE_AUDIT_CHECKPOINTS=/var/lib/charte-checkpoints \
    CHARTE_ERASURE_LEDGER=/var/lib/charte-ledger \
    CHARTE_KEYRING=/var/lib/charte-keyring \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001:10001
WORKDIR /var/lib/charte
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["charte"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
