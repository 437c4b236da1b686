from workers import WorkerEntrypoint, Response

import kalos


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response("ok")
