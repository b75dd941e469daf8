// Toasts: every failed call ends up here (or inline) — never silently dropped.
import { create } from 'zustand';
import type { AppErrorShape } from '../../shared/contract';
import { errorShape } from '../client';

export type ToastKind = 'error' | 'info' | 'success';
export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  message: string;
  code?: string;
  detail?: string;
}

interface ToastState {
  toasts: Toast[];
  push(t: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
  /** Shows an error toast for anything thrown by a call. */
  error(title: string, err: unknown): AppErrorShape;
  info(title: string, message?: string): void;
  success(title: string, message?: string): void;
}

let seq = 1;
const MAX = 6;
const AUTO_DISMISS_MS: Record<ToastKind, number | null> = { error: 15000, info: 5000, success: 5000 };

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  push(t) {
    const id = seq++;
    set((s) => ({ toasts: [...s.toasts, { ...t, id }].slice(-MAX) }));
    const ms = AUTO_DISMISS_MS[t.kind];
    if (ms !== null) setTimeout(() => get().dismiss(id), ms);
    return id;
  },
  dismiss(id) {
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
  error(title, err) {
    const e = errorShape(err);
    get().push({ kind: 'error', title, message: e.message, code: e.code, ...(e.detail ? { detail: e.detail } : {}) });
    return e;
  },
  info(title, message = '') {
    get().push({ kind: 'info', title, message });
  },
  success(title, message = '') {
    get().push({ kind: 'success', title, message });
  },
}));

/** Non-hook access for stores. */
export const toast = {
  error: (title: string, err: unknown): AppErrorShape => useToasts.getState().error(title, err),
  info: (title: string, message?: string): void => useToasts.getState().info(title, message),
  success: (title: string, message?: string): void => useToasts.getState().success(title, message),
};
