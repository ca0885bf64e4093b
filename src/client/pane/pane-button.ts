/** A button of a pane's toolbar or replay bar: labelled for screen readers, its click kept from remark. */
export function paneButton(label: string, title: string, action: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'lab-pane-button';
  button.textContent = label;
  button.title = title;
  button.setAttribute('aria-label', title);
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    action();
  });
  return button;
}
