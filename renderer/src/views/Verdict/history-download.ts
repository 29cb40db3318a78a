/**
 * Downloads this run's history. The token stays out of URLs (it lives in the page's
 * fragment): the request carries it as a Bearer header, and the file is handed to the
 * browser as a blob.
 */
export const HISTORY_PATH = 'history.jsonl';

export async function downloadHistory(token: string, filename: string): Promise<void> {
  const res = await fetch(HISTORY_PATH, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    // Revoke after the click has been handled.
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }
}
