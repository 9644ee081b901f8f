/**
 * Tells the server whether the app's page is in view (the `visibility` op): a person with a
 * page in view is not pushed for what it already shows. Sent when the socket opens and
 * whenever the page is shown or hidden.
 */
import type { RealtimeClient } from '../realtime'

export function reportVisibility(client: RealtimeClient, doc: Document = document): () => void {
  const send = () => {
    if (client.state !== 'open') return
    client.request('visibility', { visible: doc.visibilityState === 'visible' }).catch(() => undefined)
  }
  const offOpen = client.onOpen(send)
  doc.addEventListener('visibilitychange', send)
  return () => {
    offOpen()
    doc.removeEventListener('visibilitychange', send)
  }
}
