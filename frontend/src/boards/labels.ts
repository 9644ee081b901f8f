/** Names of boards as tabs and headings show them. */
import { useI18n } from 'vue-i18n'
import type { Board, BoardKind } from './types'

export function useBoardLabels() {
  const { t } = useI18n()

  function kindLabel(kind: BoardKind | string): string {
    return t(`boards.kinds.${kind}`)
  }

  /** The kind ("社区公告"), with the place when I read two boards of that kind. */
  function boardLabel(board: Board, all: readonly Board[] = []): string {
    const twin = all.some((b) => b.id !== board.id && b.kind === board.kind)
    return twin ? t('boards.kindAt', { kind: kindLabel(board.kind), place: board.place.name }) : kindLabel(board.kind)
  }

  return { kindLabel, boardLabel }
}

/** File sizes as people say them: 820 KB, 2.4 MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
