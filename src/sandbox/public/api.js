/** The page's calls to its own server (same origin, JSON). */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

export async function postJson(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message ?? answer.error ?? `HTTP ${response.status}`);
  return answer;
}

export function query(path, params) {
  return `${path}?${new URLSearchParams(params).toString()}`;
}
