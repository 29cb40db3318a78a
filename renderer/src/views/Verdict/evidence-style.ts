/**
 * Puts the evidence drawing's stylesheet (core/protocol/evidence-style.ts, shared with the
 * `check --html` page) into the page's head once. Inline styles are allowed by the panel's
 * CSP (style-src 'self' 'unsafe-inline'); scripts are not, and none is added.
 */
import { EVIDENCE_DRAWING_CLASS, EVIDENCE_DRAWING_CSS } from '../../../../core/protocol/evidence-style';

const STYLE_ID = 'faultline-evidence-drawing';

export function useEvidenceDrawingStyle(): string {
  if (typeof document !== 'undefined' && document.getElementById(STYLE_ID) === null) {
    const style = document.createElement('style');
    style.id = STYLE_ID;
    style.textContent = EVIDENCE_DRAWING_CSS;
    document.head.append(style);
  }
  return EVIDENCE_DRAWING_CLASS;
}
