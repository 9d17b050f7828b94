# shellcheck shell=bash
# Small helpers shared by tests/infra/tools.sh and tests/infra/kube.sh.
# Sourced, not executed.

# Prints a TCP port on 127.0.0.1 that is free right now. Binding to port 0
# lets the kernel choose, which avoids guessing; the tiny race until the
# server binds it is acceptable for tests on one machine.
free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# wait_http [--pid PID] URL TIMEOUT_SECONDS EXPECT [curl args...]
# Polls URL until it answers with HTTP status EXPECT ("any" = any HTTP answer,
# i.e. the server is listening). Returns 1 on timeout, or as soon as PID (the
# server being waited for) has exited, so a crash fails fast.
wait_http() {
  local pid=""
  if [[ "${1:-}" == --pid ]]; then pid=$2; shift 2; fi
  local url=$1 timeout=$2 expect=$3
  shift 3
  local deadline=$((SECONDS + timeout)) code=""
  while ((SECONDS < deadline)); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" || true)"
    if [[ "$expect" == any && "$code" != 000 ]] || [[ "$code" == "$expect" ]]; then
      return 0
    fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      echo "process $pid exited while waiting for $url" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "timed out after ${timeout}s waiting for $url (last status: ${code:-none})" >&2
  return 1
}

# s3_request ACCESS SECRET METHOD URL
# Sends an S3 request signed with AWS SigV4 (region us-east-1) using curl's
# built-in signer, so no SDK or Python package is needed. S3 also wants the
# payload hash header; these requests have empty bodies.
s3_request() {
  local ak=$1 sk=$2 method=$3 url=$4
  curl -sS --fail-with-body -X "$method" \
    --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ak:$sk" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "$url"
}
