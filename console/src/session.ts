/** The workspace key lives in session storage only: gone when the tab closes, never in a URL. */
const KEY = 'entra-card-sync.apiKey';

export const readApiKey = (): string | null => sessionStorage.getItem(KEY);
export const storeApiKey = (key: string): void => sessionStorage.setItem(KEY, key);
export const clearApiKey = (): void => sessionStorage.removeItem(KEY);
