/**
 * Downloads the workload's history (GET /history.jsonl). The token goes in an Authorization
 * header (never in a URL that a proxy or the history could log), the file is saved through a
 * blob link.
 */
export async function downloadHistory(token: string, run: number): Promise<void> {
  const res = await fetch('/history.jsonl', { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`history download failed: HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = `faultline-history-run${run}.jsonl`;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
