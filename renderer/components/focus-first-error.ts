// After a refused submit the focus goes where the user must act: the first field marked invalid, or the
// error notice when no field is to blame, so a keyboard or screen-reader user is not left at the button.
import { type RefObject, useEffect } from 'react';

export function useFocusFirstError(form: RefObject<HTMLElement | null>, error: unknown): void {
  useEffect(() => {
    if (!error || !form.current) return;
    const field = form.current.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (field) return field.focus();
    const notice = form.current.querySelector<HTMLElement>('[role="alert"]');
    if (notice) {
      if (!notice.hasAttribute('tabindex')) notice.setAttribute('tabindex', '-1');
      notice.focus();
    }
  }, [form, error]);
}
