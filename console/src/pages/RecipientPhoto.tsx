import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';

/** The photo, fetched with the key (the route is not public) and shown from a blob URL. */
export function RecipientPhoto({ recipient }: { recipient: Schemas['Recipient'] }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const params = { path: { id: recipient.id } };
  const hash = recipient.photo?.contentHash ?? null;
  const photo = useQuery({
    queryKey: ['recipient-photo', recipient.id, hash],
    enabled: hash !== null,
    queryFn: async () =>
      (await api.GET('/v1/recipients/{id}/photo', { params, parseAs: 'blob' })).data as Blob,
  });
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!photo.data || !hash) return setUrl(null);
    const u = URL.createObjectURL(photo.data);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [photo.data, hash]);

  const refresh = (saved?: Schemas['Recipient']) => {
    void queryClient.invalidateQueries({ queryKey: ['recipient-changes', recipient.id] });
    if (saved) queryClient.setQueryData(['recipient', recipient.id], saved);
    else void queryClient.invalidateQueries({ queryKey: ['recipient', recipient.id] });
  };
  const upload = useMutation({
    mutationFn: async (file: File) =>
      ok(
        await api.PUT('/v1/recipients/{id}/photo', {
          params,
          body: file as never,
          bodySerializer: (b: unknown) => b as Blob,
          headers: { 'Content-Type': file.type || 'application/octet-stream' },
        }),
      ),
    onSuccess: (saved) => refresh(saved),
  });
  const remove = useMutation({
    mutationFn: async () => ok(await api.DELETE('/v1/recipients/{id}/photo', { params })),
    onSuccess: () => refresh(),
  });
  return (
    <section aria-labelledby="photo-title" className="panel">
      <h2 id="photo-title">Photo</h2>
      {url ? (
        <img src={url} alt={`Photo of ${recipient.displayName ?? recipient.email}`} className="photo" />
      ) : (
        <p>No photo.</p>
      )}
      <ErrorText error={photo.error} />
      <div className="actions">
        <input
          id="photo-file"
          className="sr-only"
          type="file"
          accept="image/jpeg,image/png"
          disabled={upload.isPending}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload.mutate(file);
            e.target.value = '';
          }}
        />
        <label htmlFor="photo-file" className="button">
          {upload.isPending ? 'Uploading…' : 'Upload photo'}
        </label>
        {hash && (
          <BusyButton
            type="button"
            busy={remove.isPending}
            busyLabel="Removing…"
            onClick={() => remove.mutate()}
          >
            Remove photo
          </BusyButton>
        )}
      </div>
      <p className="muted small">
        JPEG or PNG, up to 4 MB. A synced photo is replaced at the next sync unless the photo field is locked.
      </p>
      <ErrorText error={upload.error ?? remove.error} />
    </section>
  );
}
