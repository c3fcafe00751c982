/** Reading the page renderer's node trees in tests: all text, all tags, all actions. */
import type { RenderAction, RenderNode } from "../../src/sandbox/public/block-kit.js";

export function textOf(nodes: RenderNode | RenderNode[]): string {
  const list = Array.isArray(nodes) ? nodes : [nodes];
  return list.map((n) => (n.tag === "br" ? "\n" : (n.text ?? "") + textOf(n.children ?? []))).join("");
}

export function walk(nodes: RenderNode[], visit: (node: RenderNode) => void): void {
  for (const node of nodes) {
    visit(node);
    walk(node.children ?? [], visit);
  }
}

export function tagsOf(nodes: RenderNode[]): string[] {
  const tags: string[] = [];
  walk(nodes, (n) => {
    if (n.tag !== undefined) tags.push(n.tag);
  });
  return tags;
}

export function find(nodes: RenderNode[], predicate: (node: RenderNode) => boolean): RenderNode[] {
  const found: RenderNode[] = [];
  walk(nodes, (n) => {
    if (predicate(n)) found.push(n);
  });
  return found;
}

export function actionsOf(nodes: RenderNode[]): RenderAction[] {
  return find(nodes, (n) => n.action !== undefined).map((n) => n.action as RenderAction);
}
