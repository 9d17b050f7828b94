export const usage = `Usage: evh <command> [options]

Commands:
  analyze <file|folder> [--out output/] [--workers N] [--chunk-bytes N] [--max-anomalies N]
          [--max-line-bytes N] [--statuses A,B,...] [--config logs.json] [--json]
      Analyses payment logs (.txt lines or .jsonl events) offline with a pool of worker
      threads; writes <out>/summary.json and <out>/anomalies.json.

  watch <folder> [--out output/] [--upload <ingest-url>] [--key KEY] [--project ID] [--state FILE]
        [--workers N] [--concurrency N] [--interval-ms N] [--stable-ms N] [--once]
      Analyses (or uploads) every file that appears in the folder, once, across restarts.

  upload <file> --ingest <url> [--key KEY] [--reporter <url> --token TOKEN] [--project ID]
         [--follow] [--interval-ms N] [--timeout-ms N]
      Uploads a file to the ingest service; with --follow, shows the job's progress and
      exits 0 when it completes, 1 when it fails.

Keys: --key is the project's ingest key (or EVH_KEY), --token its read token (or EVH_TOKEN),
as POST /v1/projects answered them; the environment keeps them out of shell history.

Exit codes: 0 success, 1 failure, 2 usage error.
`;
