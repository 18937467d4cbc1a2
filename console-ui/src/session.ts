// The console token, kept for this tab's session only (sessionStorage): closing the tab signs out,
// and no other tab or later visit reads it.
const KEY = 'vpay.console.token';

export const getToken = (): string | null => sessionStorage.getItem(KEY);
export const setToken = (token: string): void => sessionStorage.setItem(KEY, token);
export const clearToken = (): void => sessionStorage.removeItem(KEY);
